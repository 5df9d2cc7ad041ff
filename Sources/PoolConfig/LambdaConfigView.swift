import AWSCore

/// Cognito's two custom sender triggers. They share one `LambdaConfig.KMSKeyID`.
public enum CustomSenderTrigger: String, Sendable, CaseIterable {
    /// `LambdaConfig.CustomSMSSender`: SMS codes and temporary passwords.
    case sms = "CustomSMSSender"
    /// `LambdaConfig.CustomEmailSender`: email codes, redirected only with `RedirectEmail`.
    case email = "CustomEmailSender"
}

/// A typed, read-only view of a pool document's `LambdaConfig` (DescribeUserPool's, or an
/// UpdateUserPool request's). The document itself is kept whole, so members this code does not
/// know are neither lost nor hidden: ``document`` is there for everything else.
public struct LambdaConfigView: Sendable, Equatable {
    /// The `LambdaConfig` member as it is; an empty object when the pool has none.
    public let document: JSONValue

    /// The view of `pool`'s `LambdaConfig`.
    public init(pool: JSONValue) {
        document = pool["LambdaConfig"] ?? .object([:])
    }

    /// The trigger's member (`LambdaArn`, `LambdaVersion`), or nil when the pool has none.
    public func sender(_ trigger: CustomSenderTrigger) -> JSONValue? { document[trigger.rawValue] }

    /// The function the trigger invokes, or nil when the pool has none.
    public func senderArn(_ trigger: CustomSenderTrigger) -> String? { sender(trigger)?["LambdaArn"]?.stringValue }

    /// The trigger's `LambdaVersion` (`V1_0` is the only one Cognito accepts).
    public func senderVersion(_ trigger: CustomSenderTrigger) -> String? { sender(trigger)?["LambdaVersion"]?.stringValue }

    /// `KMSKeyID`: the key Cognito encrypts codes with for both custom senders.
    public var kmsKeyID: String? { document["KMSKeyID"]?.stringValue }
}

extension JSONValue {
    /// This pool document's `LambdaConfig`, typed (see ``LambdaConfigView``).
    public var lambdaConfig: LambdaConfigView { LambdaConfigView(pool: self) }
}

extension Optional where Wrapped == JSONValue {
    /// The pool document's `LambdaConfig`, typed; an empty view when there is no document.
    public var lambdaConfig: LambdaConfigView { LambdaConfigView(pool: self ?? .object([:])) }
}
