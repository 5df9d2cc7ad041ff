import AWSCore

/// What the helper attaches to a pool: the sender's ARN and the KMS key Cognito encrypts codes with.
public struct SMSSenderAttachment: Sendable, Equatable, Codable {
    public var lambdaArn: String
    public var kmsKeyArn: String

    public init(lambdaArn: String, kmsKeyArn: String) {
        self.lambdaArn = lambdaArn
        self.kmsKeyArn = kmsKeyArn
    }
}

/// A restore worked out against the pool as it is now.
public struct RestorePlan: Sendable, Equatable {
    /// The UpdateUserPool request, or nil when there is nothing of ours left to undo.
    public var request: JSONValue?
    /// Settings someone else changed after the attach, left as they are, in words for the journal and the log.
    public var drift: [String]
}

/// Edits of `LambdaConfig`: attach the CustomSMSSender, and undo exactly that.
public enum LambdaConfigEditor {
    /// The request that points the pool's CustomSMSSender at the sender, every other setting kept.
    public static func attachRequest(described: JSONValue, attachment: SMSSenderAttachment) throws -> JSONValue {
        var request = try UpdateUserPoolRequest.carryingOver(described)
        var lambdaConfig = request["LambdaConfig"] ?? .object([:])
        if let currentKey = lambdaConfig["KMSKeyID"]?.stringValue, currentKey != attachment.kmsKeyArn,
           let emailSender = lambdaConfig["CustomEmailSender"]?["LambdaArn"]?.stringValue {
            throw PoolConfigError.kmsKeyInUseByCustomEmailSender(currentKey: currentKey, requestedKey: attachment.kmsKeyArn, emailSender: emailSender)
        }
        lambdaConfig["CustomSMSSender"] = ["LambdaArn": .string(attachment.lambdaArn), "LambdaVersion": "V1_0"]
        lambdaConfig["KMSKeyID"] = .string(attachment.kmsKeyArn)
        request["LambdaConfig"] = lambdaConfig
        return request
    }

    /// Puts back the original CustomSMSSender and KMSKeyID where they still hold what we set;
    /// anything changed by someone else since is left alone and reported.
    public static func restorePlan(current: JSONValue, original: JSONValue, attachment: SMSSenderAttachment) throws -> RestorePlan {
        // A member the model does not know must not block putting the pool back: it goes verbatim.
        var request = try UpdateUserPoolRequest.carryingOver(current, unknownMembers: .carryVerbatim)
        var lambdaConfig = request["LambdaConfig"] ?? .object([:])
        let originalConfig = original["LambdaConfig"] ?? .object([:])
        var drift: [String] = []
        var changed = false

        let currentSender = lambdaConfig["CustomSMSSender"]?["LambdaArn"]?.stringValue
        if currentSender == attachment.lambdaArn {
            lambdaConfig["CustomSMSSender"] = originalConfig["CustomSMSSender"]
            changed = true
        } else {
            drift.append("LambdaConfig.CustomSMSSender is \(currentSender ?? "not set") instead of \(attachment.lambdaArn): left as it is")
        }

        let currentKey = lambdaConfig["KMSKeyID"]?.stringValue
        let originalKey = originalConfig["KMSKeyID"]?.stringValue
        if currentKey == attachment.kmsKeyArn {
            if lambdaConfig["CustomEmailSender"] != originalConfig["CustomEmailSender"], let emailSender = lambdaConfig["CustomEmailSender"]?["LambdaArn"]?.stringValue {
                // Someone added a CustomEmailSender that now relies on the key: removing it, or putting
                // back the key of a sender the pool had before, would break that email sender.
                drift.append("LambdaConfig.KMSKeyID is kept: the CustomEmailSender \(emailSender), added after the attach, uses it")
            } else if originalKey != currentKey {
                lambdaConfig["KMSKeyID"] = originalKey.map { .string($0) }
                changed = true
            }
        } else if currentKey != originalKey {
            drift.append("LambdaConfig.KMSKeyID is \(currentKey ?? "not set") instead of \(attachment.kmsKeyArn): left as it is")
        }

        guard changed else { return RestorePlan(request: nil, drift: drift) }
        // Not a ternary: with JSONValue's nil literal it would send `"LambdaConfig": null`.
        if lambdaConfig.objectValue?.isEmpty == true {
            request["LambdaConfig"] = nil
        } else {
            request["LambdaConfig"] = lambdaConfig
        }
        return RestorePlan(request: .object(request.objectValue ?? [:]), drift: drift)
    }
}
