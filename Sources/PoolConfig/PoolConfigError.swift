/// Why a pool's configuration can't be carried over or changed safely. Each case says what to do.
public enum PoolConfigError: Error, Equatable, CustomStringConvertible {
    /// DescribeUserPool returned a member that neither UpdateUserPool's nor DescribeUserPool's model
    /// knows: sending the update without it could reset it, so nothing is sent.
    case unknownMember(path: String, botocoreVersion: String)
    /// The document is not a DescribeUserPool `UserPool` document.
    case notAUserPoolDocument(String)
    /// `KMSKeyID` is shared with a CustomEmailSender that uses another key.
    case kmsKeyInUseByCustomEmailSender(currentKey: String, requestedKey: String, emailSender: String)

    /// The problem and what to do about it, in words for a log line or a failure reason.
    public var description: String {
        switch self {
        case let .unknownMember(path, version):
            "DescribeUserPool returned '\(path)', which this tool's Cognito model (botocore \(version)) does not know. UpdateUserPool could reset it, so the pool was not changed. Update the model (`make pool-model`) and release a new version."
        case let .notAUserPoolDocument(reason):
            "not a DescribeUserPool UserPool document: \(reason)"
        case let .kmsKeyInUseByCustomEmailSender(currentKey, requestedKey, emailSender):
            "the pool's LambdaConfig.KMSKeyID is \(currentKey), which its CustomEmailSender (\(emailSender)) needs; CustomSMSSender would need \(requestedKey). Cognito has one KMSKeyID for both senders: pass KmsKeyArn=\(currentKey) (and let the sender decrypt with it), or move the email sender to \(requestedKey) first, or redirect email codes too (RedirectEmail=true, `attach --redirect-email`)."
        }
    }
}
