import AWSCore
import Foundation

/// What to attach, from the custom resource's properties or the CLI's flags.
public struct AttachmentSpec: Sendable, Equatable {
    /// Where the Encryption SDK layer comes from.
    public enum Layer: Sendable, Equatable {
        /// Attach this layer version.
        case existing(arn: String)
        /// Publish a version from this zip, attach it, and delete it again on detach.
        case publish(name: String, bucket: String, key: String)
        /// Attach no layer (a sender built with everything inside).
        case none
    }

    /// The user pool to redirect (`UserPoolId`).
    public var userPoolId: String
    /// The sender function's ARN (`SenderFunctionArn`), set as the pool's CustomSMSSender `LambdaArn`.
    public var senderFunctionArn: String
    /// The key ARN set as the pool's `LambdaConfig.KMSKeyID` (`KmsKeyArn`): Cognito encrypts codes under it.
    public var kmsKeyArn: String
    /// The Encryption SDK layer to put on the sender (`LayerVersionArn`, or `LayerName` with `LayerContent`).
    public var layer: Layer
    /// The SMS role the stack lets the helper pass to Cognito (`SMSRoleArn`; empty: none). nil (the
    /// CLI, which runs with its user's own permissions) checks nothing. See `refuseUndeclaredSMSRole`.
    public var smsRoleArn: String? = nil
    /// The sender's configuration as the template declares it (`SenderConfiguration`), carried only
    /// so that a change to it is a change to this resource: CloudFormation's update of the sender
    /// resets its Layers, and the Update it then sends here puts the layer back. Not part of
    /// ``attachmentId``: the target is the same, so the attachment keeps its id.
    public var senderConfiguration: JSONValue? = nil
    /// Whether the sender also becomes the pool's CustomEmailSender (`RedirectEmail`, default
    /// false). Part of ``id`` only when true, so the ids of attachments made before it stay.
    public var redirectEmail = false

    /// A spec from its required parts, unvalidated; the optional members keep their defaults.
    public init(userPoolId: String, senderFunctionArn: String, kmsKeyArn: String, layer: Layer) {
        self.userPoolId = userPoolId
        self.senderFunctionArn = senderFunctionArn
        self.kmsKeyArn = kmsKeyArn
        self.layer = layer
    }

    /// Properties CloudFormation adds itself.
    static let cloudFormationProperties: Set<String> = ["ServiceToken", "ServiceTimeout"]
    static let knownProperties: Set<String> = [
        "UserPoolId", "SenderFunctionArn", "KmsKeyArn", "LayerVersionArn", "LayerName", "LayerContent", "SMSRoleArn", "SenderConfiguration", "RedirectEmail",
    ]

    /// Reads the custom resource's properties; any unknown, missing or malformed one is named.
    public init(properties: [String: JSONValue]) throws {
        var problems: [String] = []
        let unknown = Set(properties.keys).subtracting(Self.knownProperties).subtracting(Self.cloudFormationProperties)
        if !unknown.isEmpty { problems.append("unknown properties \(unknown.sorted().joined(separator: ", "))") }
        func required(_ name: String) -> String {
            guard let value = properties[name]?.stringValue, !value.isEmpty else {
                problems.append("\(name) is missing")
                return ""
            }
            return value
        }
        let poolId = required("UserPoolId"), sender = required("SenderFunctionArn"), key = required("KmsKeyArn")
        var layer = Layer.none
        switch (properties["LayerVersionArn"]?.stringValue, properties["LayerName"]?.stringValue, properties["LayerContent"]) {
        case let (arn?, nil, nil):
            layer = .existing(arn: arn)
        case let (nil, name?, content?):
            if let bucket = content["S3Bucket"]?.stringValue, let objectKey = content["S3Key"]?.stringValue {
                layer = .publish(name: name, bucket: bucket, key: objectKey)
            } else {
                problems.append("LayerContent needs S3Bucket and S3Key")
            }
        case (nil, nil, nil):
            problems.append("the layer is missing: give LayerVersionArn, or LayerName with LayerContent {S3Bucket, S3Key}")
        default:
            problems.append("give either LayerVersionArn or LayerName with LayerContent, not both or half")
        }
        if !key.isEmpty, !key.hasPrefix("arn:") { problems.append("KmsKeyArn must be a key ARN (Cognito's KMSKeyID takes an ARN), got \(key)") }
        if let configuration = properties["SenderConfiguration"], configuration.objectValue == nil {
            problems.append("SenderConfiguration must be an object holding the sender function's properties, got \(configuration.jsonString)")
        }
        // CloudFormation passes a template's parameters as strings: "true"/"false" as well as booleans.
        var redirectEmail = false
        switch properties["RedirectEmail"] {
        case nil, .bool(false), .string("false"), .string(""): break
        case .bool(true), .string("true"): redirectEmail = true
        case let value?: problems.append("RedirectEmail must be true or false, got \(value.jsonString)")
        }
        if !sender.isEmpty, !sender.hasPrefix("arn:") { problems.append("SenderFunctionArn must be a function ARN, got \(sender)") }
        guard problems.isEmpty else { throw ProviderFailure("invalid properties: \(problems.joined(separator: "; "))") }
        self.init(userPoolId: poolId, senderFunctionArn: sender, kmsKeyArn: key, layer: layer)
        smsRoleArn = properties["SMSRoleArn"]?.stringValue
        senderConfiguration = properties["SenderConfiguration"]
        self.redirectEmail = redirectEmail
    }

    /// The function's name, from its ARN.
    public var senderFunctionName: String {
        ARN(senderFunctionArn)?.lambdaFunctionName ?? senderFunctionArn
    }

    /// Stable and meaningful: the same properties give the same id, other properties another one
    /// (so that CloudFormation sends Delete for the old one after an Update). Well under 1 KB.
    public var id: AttachmentID {
        let layerText =
            switch layer {
            case let .existing(arn): arn
            case let .publish(name, bucket, key): "\(name)|s3://\(bucket)/\(key)"
            case .none: "-"
            }
        return AttachmentID(
            poolId: userPoolId, senderFunctionName: senderFunctionName,
            digest: StableDigest.hex(
                ([userPoolId, senderFunctionArn, kmsKeyArn, layerText] + (redirectEmail ? ["email"] : []))
                    .joined(separator: "\n"), length: 12))
    }

    /// ``id`` as the journal and CloudFormation write it.
    public var attachmentId: String { id.rawValue }
}

/// What an attachment is known by, as its PhysicalResourceId: `POOL|FUNCTION|DIGEST`. The pool
/// and the sender's name make it readable in the console; the digest of the whole target tells
/// two targets apart.
public struct AttachmentID: Sendable, Hashable, CustomStringConvertible {
    /// The user pool the attachment is on.
    public var poolId: String
    /// The sender function's name (not its ARN).
    public var senderFunctionName: String
    /// A short hex digest of the whole target: pool, sender ARN, KMS key, layer (and email redirect).
    public var digest: String

    /// An id from its three fields, none of which may contain `|`.
    public init(poolId: String, senderFunctionName: String, digest: String) {
        self.poolId = poolId
        self.senderFunctionName = senderFunctionName
        self.digest = digest
    }

    /// Reads an id this tool wrote; nil for anything else (a `failed-…` id of a Create that never began).
    public init?(rawValue: String) {
        let fields = rawValue.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3, !fields.contains(where: \.isEmpty) else { return nil }
        self.init(poolId: fields[0], senderFunctionName: fields[1], digest: fields[2])
    }

    /// `POOL|FUNCTION|DIGEST`: the PhysicalResourceId and the journal's attachment id.
    public var rawValue: String { "\(poolId)|\(senderFunctionName)|\(digest)" }
    /// The ``rawValue``.
    public var description: String { rawValue }
}
