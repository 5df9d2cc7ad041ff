/// The shipped Lambdas as the bare-root tests run them. Each runs with an access key id of its
/// own, so that the calls it made can be picked out of moto's recording of every request
/// (`MOTO_RECORDING_FILE`) and held against the IAM policies the templates grant it.
public enum ShippedLambda: String, CaseIterable, Sendable {
    case sender, helper

    public var accessKeyId: String {
        switch self {
        case .sender: "AKIDSHIPPEDSENDER"
        case .helper: "AKIDSHIPPEDHELPER"
        }
    }
}
