import AWSCore

/// What the helper attaches to a pool: the sender's ARN and the KMS key Cognito encrypts codes with.
public struct SMSSenderAttachment: Sendable, Equatable, Codable {
    /// The sender function's ARN, set as `CustomSMSSender.LambdaArn` (and `CustomEmailSender.LambdaArn`).
    public var lambdaArn: String
    /// The key Cognito encrypts codes with: `LambdaConfig.KMSKeyID`, shared by both custom senders.
    public var kmsKeyArn: String
    /// Whether the sender also becomes the pool's CustomEmailSender (the `RedirectEmail` property).
    public var redirectsEmail: Bool

    /// Creates an attachment; by default only SMS codes are redirected.
    public init(lambdaArn: String, kmsKeyArn: String, redirectsEmail: Bool = false) {
        self.lambdaArn = lambdaArn
        self.kmsKeyArn = kmsKeyArn
        self.redirectsEmail = redirectsEmail
    }
}

/// A `LambdaConfig` member someone else changed after the attach, which a restore leaves as it is.
public enum LambdaConfigDrift: Sendable, Equatable, CustomStringConvertible {
    /// The trigger points at `current` (nil: unset) instead of our sender.
    case senderChanged(CustomSenderTrigger, current: String?, ours: String)
    /// `KMSKeyID` stays ours: a CustomEmailSender added after the attach relies on it.
    case keyKeptForEmailSender(emailSender: String)
    /// `KMSKeyID` is `current` (nil: unset) instead of our key.
    case keyChanged(current: String?, ours: String)

    /// The drift in words, for the journal, the log and CloudFormation's `LeftAlone`.
    public var description: String {
        switch self {
        case let .senderChanged(trigger, current, ours):
            "LambdaConfig.\(trigger.rawValue) is \(current ?? "not set") instead of \(ours): left as it is"
        case let .keyKeptForEmailSender(emailSender):
            "LambdaConfig.KMSKeyID is kept: the CustomEmailSender \(emailSender), added after the attach, uses it"
        case let .keyChanged(current, ours):
            "LambdaConfig.KMSKeyID is \(current ?? "not set") instead of \(ours): left as it is"
        }
    }
}

/// A restore worked out against the pool as it is now.
public struct RestorePlan: Sendable, Equatable {
    /// The UpdateUserPool request, or nil when there is nothing of ours left to undo.
    public var request: JSONValue?
    /// Settings someone else changed after the attach, left as they are.
    public var drift: [LambdaConfigDrift]
}

/// Edits of `LambdaConfig`: attach the custom senders, and undo exactly that.
public enum LambdaConfigEditor {
    /// The request that points the pool's CustomSMSSender (and, when `attachment.redirectsEmail`,
    /// its CustomEmailSender) at the sender, every other setting kept.
    ///
    /// `original` is the pool before the first attach in force: an attach that no longer redirects
    /// email (a stack Update that turned it off) puts back the CustomEmailSender the pool had then.
    /// Throws ``PoolConfigError/kmsKeyInUseByCustomEmailSender(currentKey:requestedKey:emailSender:)``
    /// when an email sender that stays needs another key: Cognito has one `KMSKeyID` for both.
    public static func attachRequest(described: JSONValue, original: JSONValue? = nil, attachment: SMSSenderAttachment) throws -> JSONValue {
        var request = try UpdateUserPoolRequest.carryingOver(described)
        var lambdaConfig = request["LambdaConfig"] ?? .object([:])
        let ours: JSONValue = ["LambdaArn": .string(attachment.lambdaArn), "LambdaVersion": "V1_0"]
        if attachment.redirectsEmail {
            lambdaConfig["CustomEmailSender"] = ours
        } else {
            // The key the email sender left on the pool relies on: the original's, when it is the
            // original's sender that comes back.
            var emailSenderKey = lambdaConfig["KMSKeyID"]?.stringValue
            if lambdaConfig["CustomEmailSender"]?["LambdaArn"]?.stringValue == attachment.lambdaArn {
                let originalConfig = original?["LambdaConfig"] ?? .object([:])
                lambdaConfig["CustomEmailSender"] = originalConfig["CustomEmailSender"]
                emailSenderKey = originalConfig["KMSKeyID"]?.stringValue
            }
            if let emailSender = lambdaConfig["CustomEmailSender"]?["LambdaArn"]?.stringValue, emailSender != attachment.lambdaArn,
                let currentKey = emailSenderKey, currentKey != attachment.kmsKeyArn
            {
                throw PoolConfigError.kmsKeyInUseByCustomEmailSender(currentKey: currentKey, requestedKey: attachment.kmsKeyArn, emailSender: emailSender)
            }
        }
        lambdaConfig["CustomSMSSender"] = ours
        lambdaConfig["KMSKeyID"] = .string(attachment.kmsKeyArn)
        request["LambdaConfig"] = lambdaConfig
        return request
    }

    /// Puts back the original CustomSMSSender, CustomEmailSender and KMSKeyID where they still hold
    /// what we set; anything changed by someone else since is left alone and reported.
    public static func restorePlan(current: JSONValue, original: JSONValue, attachment: SMSSenderAttachment) throws -> RestorePlan {
        // A member the model does not know must not block putting the pool back: it goes verbatim.
        var request = try UpdateUserPoolRequest.carryingOver(current, unknownMembers: .carryVerbatim)
        var lambdaConfig = request["LambdaConfig"] ?? .object([:])
        let originalConfig = original["LambdaConfig"] ?? .object([:])
        var drift: [LambdaConfigDrift] = []
        var changed = false

        let currentSender = lambdaConfig["CustomSMSSender"]?["LambdaArn"]?.stringValue
        if currentSender == attachment.lambdaArn {
            lambdaConfig["CustomSMSSender"] = originalConfig["CustomSMSSender"]
            changed = true
        } else {
            drift.append(.senderChanged(.sms, current: currentSender, ours: attachment.lambdaArn))
        }

        // A CustomEmailSender pointing at our sender is ours to put back, whether this attach set
        // it (RedirectEmail) or an attach it replaced did.
        let currentEmailSender = lambdaConfig["CustomEmailSender"]?["LambdaArn"]?.stringValue
        if currentEmailSender == attachment.lambdaArn {
            if lambdaConfig["CustomEmailSender"] != originalConfig["CustomEmailSender"] {
                lambdaConfig["CustomEmailSender"] = originalConfig["CustomEmailSender"]
                changed = true
            }
        } else if originalConfig["CustomEmailSender"]?["LambdaArn"]?.stringValue == attachment.lambdaArn {
            // Handing the pool back to an older attachment that redirected email, after a newer
            // one that did not put the pool's own email sender back.
            lambdaConfig["CustomEmailSender"] = originalConfig["CustomEmailSender"]
            changed = true
        } else if attachment.redirectsEmail {
            drift.append(.senderChanged(.email, current: currentEmailSender, ours: attachment.lambdaArn))
        }

        let currentKey = lambdaConfig["KMSKeyID"]?.stringValue
        let originalKey = originalConfig["KMSKeyID"]?.stringValue
        if currentKey == attachment.kmsKeyArn {
            if lambdaConfig["CustomEmailSender"] != originalConfig["CustomEmailSender"],
                let emailSender = lambdaConfig["CustomEmailSender"]?["LambdaArn"]?.stringValue
            {
                // Someone added a CustomEmailSender that now relies on the key: removing it, or putting
                // back the key of a sender the pool had before, would break that email sender.
                drift.append(.keyKeptForEmailSender(emailSender: emailSender))
            } else if originalKey != currentKey {
                lambdaConfig["KMSKeyID"] = originalKey.map { .string($0) }
                changed = true
            }
        } else if currentKey != originalKey {
            drift.append(.keyChanged(current: currentKey, ours: attachment.kmsKeyArn))
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
