import AWSCore
import AWSServices
import IAMPolicy
import PoolConfig
import PoolJournal
import SenderContract

/// The checks, each a pure function of what ``Doctor`` read.
///
/// Each one names the setting a code needs and, when it does not hold, what to run or change.
/// Their sources: the Custom SMS sender and Custom email sender trigger pages of the Cognito
/// developer guide (LambdaConfig, the key, the invoke permission), Lambda's resource-based policy
/// guide, KMS's key-policy guide, SNS's subscription-confirmation guide, SQS's queue-policy
/// examples, and Cognito's account-recovery and MFA settings.
public enum DoctorChecks {
    /// Every check, in the order a code travels.
    public static func report(_ facts: DoctorFacts) -> DoctorReport {
        var checks = [
            smsSender(facts), emailSender(facts), poolKey(facts), senderEnvironment(facts), senderLayer(facts),
            invokePermission(facts), publishPermission(facts), keyState(facts), encryptPermission(facts), decryptPermission(facts),
            emailSubscription(facts), inboxSubscription(facts), inboxQueuePolicy(facts),
        ]
        checks += facts.flows.map { flow(facts, $0) }
        checks += [recentFailures(facts), journalAttachment(facts), journalDrift(facts)]
        return DoctorReport(checks: checks)
    }

    // MARK: The pool's LambdaConfig

    static func smsSender(_ facts: DoctorFacts) -> DoctorCheck {
        customSender(
            facts, id: "pool.sms-sender", trigger: .sms,
            attachHint: "smsredirect attach --user-pool-id \(facts.userPoolId) --sender-arn ARN --kms-key-arn KEY")
    }

    static func emailSender(_ facts: DoctorFacts) -> DoctorCheck {
        guard facts.redirectEmail.value else {
            return .skipped("pool.email-sender", "email codes are not redirected (\(facts.redirectEmail.reason)); the pool sends them itself")
        }
        return customSender(
            facts, id: "pool.email-sender", trigger: .email,
            attachHint: "smsredirect attach --redirect-email … (or set the stack's RedirectEmail to true)")
    }

    static func customSender(_ facts: DoctorFacts, id: String, trigger: CustomSenderTrigger, attachHint: String) -> DoctorCheck {
        let member = trigger.rawValue
        let pool: JSONValue, sender: LambdaClient.FunctionConfiguration
        switch (facts.pool, facts.sender) {
        case let (.failure(failure), _), let (_, .failure(failure)): return .fail(id, failure.summary, fix: failure.fix)
        case let (.success(p), .success(s)): (pool, sender) = (p, s)
        }
        let config = pool.lambdaConfig
        guard let arn = config.senderArn(trigger) else {
            return .fail(
                id, "the pool has no LambdaConfig.\(member): Cognito sends these codes itself (or not at all, in the SMS sandbox)",
                fix: "attach the sender: \(attachHint)")
        }
        guard sameFunction(arn, sender.functionArn) else {
            return .fail(
                id, "LambdaConfig.\(member) is \(arn), not the sender \(sender.functionArn)",
                fix: "someone replaced the trigger; attach the sender again (\(attachHint)) or use that function's inbox")
        }
        guard config.senderVersion(trigger) == "V1_0" else {
            return .fail(
                id, "LambdaConfig.\(member).LambdaVersion is \(config.senderVersion(trigger) ?? "absent"), not V1_0",
                fix: "set LambdaVersion V1_0 (the only version Cognito accepts for custom senders): attach again")
        }
        return .pass(id, "LambdaConfig.\(member) is the sender (\(sender.functionName)), version V1_0")
    }

    static func poolKey(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "pool.kms-key"
        guard case let .success(pool) = facts.pool, case let .success(sender) = facts.sender else {
            return .skipped(id, "not checked: the pool or the sender could not be read")
        }
        let configured = sender.environment[SenderEnvironment.kmsKeyArn] ?? ""
        guard let poolKey = pool.lambdaConfig.kmsKeyID else {
            return .fail(
                id, "the pool has no LambdaConfig.KMSKeyID: Cognito has no key to encrypt codes for a custom sender with",
                fix: "attach the sender with --kms-key-arn \(configured.isEmpty ? "KEY" : configured)")
        }
        guard !configured.isEmpty else { return .skipped(id, "the sender has no KMS_KEY_ARN to compare LambdaConfig.KMSKeyID with (see sender.environment)") }
        guard sameKey(poolKey, configured) else {
            return .fail(
                id, "LambdaConfig.KMSKeyID is \(poolKey) but the sender's KMS_KEY_ARN is \(configured): the sender refuses codes under another key",
                fix: "set the sender's KMS_KEY_ARN to \(poolKey), or attach again with --kms-key-arn \(configured)")
        }
        return .pass(id, "LambdaConfig.KMSKeyID is the sender's KMS_KEY_ARN")
    }

    // MARK: The sender

    static func senderEnvironment(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "sender.environment"
        guard case let .success(sender) = facts.sender else {
            if case let .failure(failure) = facts.sender { return .fail(id, failure.summary, fix: failure.fix) }
            return .skipped(id, "not checked")
        }
        let missing = SenderEnvironment.required.filter { (sender.environment[$0] ?? "").isEmpty }
        guard missing.isEmpty else {
            return .fail(
                id, "the sender's environment lacks \(missing.joined(separator: " and ")): every invocation fails at init",
                fix: "set KMS_KEY_ARN (the pool's LambdaConfig.KMSKeyID) and SNS_TOPIC_ARN (the redirect topic) on \(sender.functionName)")
        }
        if let topic = facts.topicArn, let configured = sender.environment[SenderEnvironment.snsTopicArn], configured != topic {
            return .fail(
                id, "the sender publishes to \(configured), not to the topic checked here (\(topic))",
                fix: "set SNS_TOPIC_ARN on \(sender.functionName) to \(topic), or check the topic the sender names")
        }
        return .pass(id, "KMS_KEY_ARN and SNS_TOPIC_ARN are set")
    }

    static func senderLayer(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "sender.layer"
        guard case let .success(sender) = facts.sender else { return .skipped(id, "not checked: the sender could not be read") }
        let expected = (try? facts.journal?.get())?.activeAttach?.layerVersionArn
        if let expected {
            guard sender.layers.contains(expected) else {
                return .fail(
                    id,
                    "the sender lacks the Encryption SDK layer the attach added (\(expected)); it has \(sender.layers.isEmpty ? "no layers" : sender.layers.joined(separator: ", "))",
                    fix: "attach again (it adds the layer), or add \(expected) to \(sender.functionName)'s layers")
            }
            return .pass(id, "the Encryption SDK layer \(expected) is attached")
        }
        guard !sender.layers.isEmpty else {
            return .fail(
                id, "the sender has no layers: the Encryption SDK layer is not attached",
                fix: "attach with --layer-arn (the stack's EncryptionSdkLayer), or let the stack's helper attach it")
        }
        return .pass(id, "the sender has \(sender.layers.count == 1 ? "a layer" : "\(sender.layers.count) layers") (\(sender.layers.joined(separator: ", ")))")
    }

    static func invokePermission(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "sender.invoke-permission"
        guard case let .success(sender) = facts.sender else { return .skipped(id, "not checked: the sender could not be read") }
        let poolArn = (try? facts.pool.get())?["Arn"]?.stringValue ?? poolArn(facts.userPoolId, like: sender.functionArn)
        let fix =
            "aws lambda add-permission --function-name \(sender.functionName) --statement-id CognitoInvokes --action lambda:InvokeFunction --principal cognito-idp.amazonaws.com --source-arn \(poolArn)"
        let policy: JSONValue?
        switch facts.senderPolicy {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(found): policy = found
        }
        guard let policy else { return .fail(id, "the sender has no resource policy: Cognito may not invoke it", fix: fix) }
        let request = PolicyQuestions.request(
            .service("cognito-idp.amazonaws.com"), "lambda:InvokeFunction", on: sender.functionArn, sourceArn: poolArn, sourceAccount: ARN(poolArn)?.account)
        guard PolicyQuestions.decision([policy], named: "the sender's resource policy", for: request).isAllowed else {
            return .fail(id, "the sender's resource policy does not let cognito-idp.amazonaws.com invoke it for \(poolArn)", fix: fix)
        }
        return .pass(id, "cognito-idp.amazonaws.com may invoke the sender for this pool")
    }

    static func publishPermission(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "sender.publish-permission"
        guard let topic = facts.topicArn, let rolePolicies = facts.rolePolicies else {
            return .skipped(id, "not checked: no topic or no execution role to check")
        }
        switch rolePolicies {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(documents):
            let request = PolicyQuestions.request(nil, "sns:Publish", on: topic)
            guard PolicyQuestions.decision(documents, named: "role policy", for: request).isAllowed else {
                return .fail(id, "the sender's execution role may not sns:Publish to \(topic)", fix: "add sns:Publish on \(topic) to the sender's role")
            }
            return .pass(id, "the sender's role may publish to the topic")
        }
    }

    // MARK: The key

    static func keyState(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "key.state"
        guard let key = facts.key else { return .skipped(id, "not checked: the sender names no KMS_KEY_ARN") }
        switch key {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(metadata):
            if metadata.enabled == false || (metadata.keyState.map { $0 != "Enabled" } ?? false) {
                return .fail(
                    id, "the key \(metadata.arn) is \(metadata.keyState ?? "disabled"): Cognito cannot encrypt codes and none is sent",
                    fix: metadata.keyState == "PendingDeletion"
                        ? "aws kms cancel-key-deletion --key-id \(metadata.keyId), then aws kms enable-key" : "aws kms enable-key --key-id \(metadata.keyId)")
            }
            if let spec = metadata.keySpec, spec != "SYMMETRIC_DEFAULT" {
                return .fail(
                    id, "the key \(metadata.arn) is \(spec): Cognito needs a symmetric encryption key (SYMMETRIC_DEFAULT)",
                    fix: "create a symmetric encryption key and attach with it")
            }
            if let usage = metadata.keyUsage, usage != "ENCRYPT_DECRYPT" {
                return .fail(
                    id, "the key \(metadata.arn) is for \(usage): Cognito needs one for ENCRYPT_DECRYPT",
                    fix: "create a symmetric encryption key and attach with it")
            }
            return .pass(id, "the key is enabled, symmetric, for encryption")
        }
    }

    static func encryptPermission(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "key.encrypt-permission"
        guard let keyPolicy = facts.keyPolicy, case let .success(metadata)? = facts.key else { return .skipped(id, "not checked: the key could not be read") }
        switch keyPolicy {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(document):
            let poolArn = (try? facts.pool.get())?["Arn"]?.stringValue ?? poolArn(facts.userPoolId, like: metadata.arn)
            let request = PolicyQuestions.request(
                .service("cognito-idp.amazonaws.com"), "kms:Encrypt", on: metadata.arn, sourceArn: poolArn, sourceAccount: ARN(poolArn)?.account)
            guard PolicyQuestions.decision([document], named: "key policy", for: request).isAllowed else {
                return .fail(
                    id, "the key policy does not let cognito-idp.amazonaws.com kms:Encrypt for \(poolArn): Cognito cannot encrypt a code",
                    fix: "add a key policy statement allowing the service principal cognito-idp.amazonaws.com kms:Encrypt, with aws:SourceArn \(poolArn)")
            }
            return .pass(id, "the key policy lets Cognito encrypt codes for this pool")
        }
    }

    static func decryptPermission(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "key.decrypt-permission"
        guard let keyPolicy = facts.keyPolicy, case let .success(metadata)? = facts.key, case let .success(sender) = facts.sender,
            let role = sender.document["Role"]?.stringValue
        else {
            return .skipped(id, "not checked: the key or the sender's role could not be read")
        }
        let document: JSONValue
        switch keyPolicy {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(found): document = found
        }
        let fix = "add a key policy statement allowing \(role) kms:Decrypt"
        let request = PolicyQuestions.request(.aws(role), "kms:Decrypt", on: metadata.arn)
        let policy = PolicyQuestions.policies([document], named: "key policy").first ?? Policy(name: "key policy", statements: [])
        var identity: [Policy] = []
        if case let .success(documents)? = facts.rolePolicies { identity = PolicyQuestions.policies(documents, named: "role policy") }
        // KMS's rule: the key policy names the role, or names the account and so leaves it to the role's own policies.
        switch Policy.keyDecisionTakingUnsupportedConditionsAsMet(keyPolicy: policy, identityPolicies: identity, for: request) {
        case .allowed:
            if policy.decisionTakingUnsupportedConditionsAsMet(for: request).isAllowed {
                return .pass(id, "the key policy lets the sender's role decrypt")
            }
            return .pass(id, "the key policy leaves kms:Decrypt to IAM and the sender's role allows it")
        case let .explicitlyDenied(statements):
            return .fail(
                id,
                "kms:Decrypt by the sender's role \(role) is denied by \(statements.map(\.description).joined(separator: ", ")): every code fails to decrypt",
                fix: "remove that Deny, or narrow it so that it spares \(role)")
        case .notInKeyPolicy:
            return .fail(id, "the key policy does not let the sender's role \(role) kms:Decrypt: every code fails to decrypt", fix: fix)
        case .leftToIAMAndNotAllowed:
            switch facts.rolePolicies {
            case nil: return .skipped(id, "the key policy leaves kms:Decrypt to IAM; the role's policies were not read")
            case let .failure(failure)?: return .fail(id, failure.summary, fix: failure.fix)
            case .success?:
                return .fail(
                    id, "the key policy leaves kms:Decrypt to IAM, and the sender's role \(role) has no policy allowing it on \(metadata.arn)",
                    fix: "\(fix), or add kms:Decrypt on \(metadata.arn) to the role's policy")
            }
        }
    }

    // MARK: The topic and the inbox

    /// The topic's email subscription. SNS lists one that awaits its confirmation link with the
    /// ARN `PendingConfirmation`, and delivers nothing to it until the link is followed.
    public static func emailSubscription(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "topic.email-subscription"
        guard let topic = facts.topicArn, let subscriptions = facts.subscriptions else {
            return .skipped(id, "not checked: no topic (the sender names no SNS_TOPIC_ARN)")
        }
        switch subscriptions {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(list):
            let email = list.filter { $0.transport == "email" || $0.transport == "email-json" }
            if let pending = email.first(where: \.isPendingConfirmation) {
                return .fail(
                    id, "the email subscription of \(pending.endpoint) is pending confirmation: SNS emails it nothing yet",
                    fix:
                        "open the \"AWS Notification - Subscription Confirmation\" email sent to \(pending.endpoint) and follow \"Confirm subscription\"; subscribe again to resend it (aws sns subscribe --topic-arn \(topic) --protocol email --notification-endpoint \(pending.endpoint))"
                )
            }
            guard let confirmed = email.first else {
                return .skipped(id, "the topic has no email subscription: codes reach only the inbox")
            }
            return .pass(id, "\(confirmed.endpoint) is subscribed and confirmed")
        }
    }

    static func inboxSubscription(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "inbox.subscription"
        guard let inbox = facts.inbox else { return .skipped(id, "no code inbox to check (the topic has no single SQS subscription; pass --queue-url)") }
        guard let topic = facts.topicArn, case let .success(subscriptions)? = facts.subscriptions else {
            return .skipped(id, "not checked: the topic could not be read")
        }
        switch inbox {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(queue):
            guard let subscription = subscriptions.first(where: { $0.transport == "sqs" && $0.endpoint == queue.arn }) else {
                return .fail(
                    id, "the inbox \(queue.arn) is not subscribed to \(topic): no record reaches it",
                    fix: "aws sns subscribe --topic-arn \(topic) --protocol sqs --notification-endpoint \(queue.arn)")
            }
            guard !subscription.isPendingConfirmation else {
                return .fail(
                    id, "the inbox's subscription is pending confirmation",
                    fix: "confirm it (the queue received a SubscriptionConfirmation message), or subscribe again from the queue's account")
            }
            return .pass(id, "the inbox is subscribed to the topic")
        }
    }

    static func inboxQueuePolicy(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "inbox.queue-policy"
        guard let topic = facts.topicArn, case let .success(queue)? = facts.inbox else { return .skipped(id, "no code inbox to check") }
        let fix = "set the queue policy to allow the service principal sns.amazonaws.com sqs:SendMessage on \(queue.arn) with aws:SourceArn \(topic)"
        guard let policy = queue.policy else { return .fail(id, "the inbox has no queue policy: SNS may not deliver to it", fix: fix) }
        let request = PolicyQuestions.request(.service("sns.amazonaws.com"), "sqs:SendMessage", on: queue.arn, sourceArn: topic)
        guard PolicyQuestions.decision([policy], named: "the queue policy", for: request).isAllowed else {
            return .fail(id, "the inbox's queue policy does not let \(topic) send to it", fix: fix)
        }
        return .pass(id, "the queue policy lets the topic deliver")
    }

    // MARK: The flows under test

    static func flow(_ facts: DoctorFacts, _ flow: DoctorFlow) -> DoctorCheck {
        let id = "flow.\(flow.rawValue)"
        guard case let .success(pool) = facts.pool else { return .skipped(id, "not checked: the pool could not be read") }
        let autoVerified = pool["AutoVerifiedAttributes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let recovery = pool["AccountRecoverySetting"]["RecoveryMechanisms"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } ?? []
        switch flow {
        case .smsSignUp, .emailSignUp:
            let attribute = flow == .smsSignUp ? "phone_number" : "email"
            guard autoVerified.contains(attribute) else {
                return .fail(
                    id, "\(attribute) is not in AutoVerifiedAttributes: Cognito sends no sign-up code to it",
                    fix:
                        "add \(attribute) to the pool's AutoVerifiedAttributes (sign-up experience, attribute verification), or leave \(flow.rawValue) out with --flow"
                )
            }
            return .pass(id, "\(attribute) is auto-verified: sign-up sends a code")
        case .smsMFA, .emailMFA:
            let factor = flow == .smsMFA ? "SmsMfaConfiguration" : "EmailMfaConfiguration"
            let mfa: JSONValue
            switch facts.mfa {
            case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
            case let .success(found): mfa = found
            }
            let mode = mfa["MfaConfiguration"]?.stringValue ?? pool["MfaConfiguration"]?.stringValue ?? "OFF"
            guard mode == "ON" || mode == "OPTIONAL" else {
                return .fail(
                    id, "MFA is \(mode): Cognito asks for no MFA code",
                    fix: "set MFA to ON or OPTIONAL (aws cognito-idp set-user-pool-mfa-config), or leave \(flow.rawValue) out with --flow")
            }
            guard mfa[factor] != nil else {
                return .fail(
                    id, "MFA is \(mode) but the \(flow == .smsMFA ? "SMS" : "email") factor is off (no \(factor))",
                    fix:
                        "turn the factor on: aws cognito-idp set-user-pool-mfa-config --user-pool-id \(facts.userPoolId) --mfa-configuration \(mode) --\(flow == .smsMFA ? "sms" : "email")-mfa-configuration …"
                )
            }
            return .pass(id, "MFA is \(mode) with the \(flow == .smsMFA ? "SMS" : "email") factor")
        case .smsPasswordReset, .emailPasswordReset:
            let mechanism = flow == .smsPasswordReset ? "verified_phone_number" : "verified_email"
            guard !recovery.isEmpty else {
                return .fail(
                    id,
                    "the pool has no AccountRecoverySetting: which channel a reset uses is left to Cognito's legacy default, and the custom sender may never run",
                    fix:
                        "set AccountRecoverySetting with \(mechanism) (aws cognito-idp update-user-pool … --account-recovery-setting), through `smsredirect attach` so the journal records it"
                )
            }
            guard recovery.contains(mechanism) else {
                return .fail(
                    id, "AccountRecoverySetting allows \(recovery.joined(separator: ", ")), not \(mechanism): a reset code never goes that way",
                    fix: "add \(mechanism) to the pool's AccountRecoverySetting, or leave \(flow.rawValue) out with --flow")
            }
            return .pass(id, "account recovery includes \(mechanism)")
        }
    }

    // MARK: What already happened, and the journal

    static func recentFailures(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "failures.recent"
        guard let failures = facts.failures else {
            return .skipped(id, "no sender-failures queue (the sender has no on-failure queue; pass --failures-queue-url)")
        }
        switch failures {
        case let .failure(failure): return .fail(id, failure.summary, fix: failure.fix)
        case let .success(queue):
            guard queue.waiting == 0 else {
                return .fail(
                    id, "\(queue.waiting) failed invocation\(queue.waiting == 1 ? "" : "s") of the sender wait in the failures queue",
                    fix:
                        "see why with `smsredirect inbox failures --queue-url \(queue.url)`; once fixed, empty it with `smsredirect inbox purge --queue-url \(queue.url)`"
                )
            }
            return .pass(id, "no failed invocation in the failures queue")
        }
    }

    static func journalAttachment(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "journal.attachment"
        guard let journal = facts.journal else { return .skipped(id, "no journal given (--journal, or the stack's journal bucket with --stack)") }
        switch journal {
        case let .failure(failure):
            return .fail(id, failure.summary, fix: "check the journal location; the stack's is s3://JOURNAL_BUCKET/journal/STACK.sqlite")
        case let .success(finding):
            guard let entry = finding.activeAttach else {
                return .fail(
                    id, "\(finding.location) has no active attach for \(facts.userPoolId): nothing would restore the pool",
                    fix: "attach through `smsredirect attach` or the stack (journal first), not by editing the pool, so that the original can come back")
            }
            if let senderArn = entry.senderArn, case let .success(sender) = facts.sender, !sameFunction(senderArn, sender.functionArn) {
                return .fail(
                    id, "the active attach (entry \(entry.id.map(String.init) ?? "?")) is of \(senderArn), not of this sender",
                    fix: "check --sender-arn, or detach and attach this sender")
            }
            return .pass(id, "entry \(entry.id.map(String.init) ?? "?") in \(finding.location) is the active attach")
        }
    }

    static func journalDrift(_ facts: DoctorFacts) -> DoctorCheck {
        let id = "journal.drift"
        guard case let .success(finding)? = facts.journal, let entry = finding.activeAttach, let applied = entry.appliedRequest else {
            return .skipped(id, "no active attach to compare the pool with")
        }
        guard case let .success(pool) = facts.pool, let current = try? UpdateUserPoolRequest.carryingOver(pool, unknownMembers: .carryVerbatim) else {
            return .skipped(id, "not checked: the pool could not be read")
        }
        var differences = PoolDiff.differences(from: applied, to: current)
        if let mfaBefore = entry.originalMfaConfig, case let .success(mfa) = facts.mfa {
            differences += PoolDiff.differences(from: mfaBefore, to: mfa, path: "MFA")
        }
        guard differences.isEmpty else {
            let paths = differences.prefix(6).map(\.path).joined(separator: ", ") + (differences.count > 6 ? " and \(differences.count - 6) more" : "")
            return .fail(
                id, "the pool changed since the attach (entry \(entry.id.map(String.init) ?? "?")): \(paths)",
                fix:
                    "see it with `smsredirect journal diff \(entry.id.map(String.init) ?? "ID") --journal \(finding.location)`; a detach keeps these changes and reports them"
            )
        }
        return .pass(id, "the pool is as the attach left it")
    }

    // MARK: Helpers

    /// Cognito stores a function ARN as given; Lambda may report it with or without `:$LATEST`.
    static func sameFunction(_ a: String, _ b: String) -> Bool {
        func base(_ arn: String) -> String { arn.hasSuffix(":$LATEST") ? String(arn.dropLast(":$LATEST".count)) : arn }
        return base(a) == base(b)
    }

    /// Keys named by ARN or by id compare by id.
    static func sameKey(_ a: String, _ b: String) -> Bool {
        func id(_ key: String) -> String { ARN(key).map { String($0.resource.split(separator: "/").last ?? "") } ?? key }
        return a == b || id(a) == id(b)
    }

    static func poolArn(_ poolId: String, like other: String) -> String {
        let arn = ARN(other)
        let region = poolId.split(separator: "_").first.map(String.init) ?? arn?.region ?? ""
        return "arn:\(arn?.partition ?? "aws"):cognito-idp:\(region):\(arn?.account ?? ""):userpool/\(poolId)"
    }
}
