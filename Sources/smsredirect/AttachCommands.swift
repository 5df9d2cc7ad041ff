import ArgumentParser
import AWSCore
import CustomResource
import Foundation
import PoolJournal

/// `smsredirect attach`: what the helper's Create does, without CloudFormation.
struct Attach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Point a user pool's CustomSMSSender (and with --redirect-email its CustomEmailSender) at the sender, journal first.",
        discussion: """
            Records the pool's full configuration and the sender's layers in the journal, then attaches \
            the layer (if given) and sets LambdaConfig.CustomSMSSender and KMSKeyID with every other \
            setting carried over; --redirect-email sets LambdaConfig.CustomEmailSender to the same sender \
            (Cognito's one KMSKeyID serves both). `smsredirect detach` puts everything back.

            Example:
              smsredirect attach --user-pool-id eu-west-1_AbCdEf123 \\
                --sender-arn arn:aws:lambda:eu-west-1:111122223333:function:sms-sender \\
                --kms-key-arn arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
            """)

    @Option(name: .long, help: "The user pool id, e.g. eu-west-1_AbCdEf123.") var userPoolId: String
    @Option(name: .long, help: "The sender Lambda's ARN.") var senderArn: String
    @Option(name: .long, help: "The KMS key ARN Cognito encrypts codes with (the sender's KMS_KEY_ARN).") var kmsKeyArn: String
    @Option(name: .long, help: "A layer version ARN to attach to the sender (the Encryption SDK layer).") var layerArn: String?
    @Flag(name: .long, help: "Redirect email codes too: the sender also becomes the CustomEmailSender (the pool's own comes back on detach).")
    var redirectEmail = false
    @OptionGroup var journal: JournalOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard kmsKeyArn.hasPrefix("arn:") else {
            throw ValidationError("--kms-key-arn must be a key ARN (arn:aws:kms:…:key/…); Cognito's KMSKeyID takes an ARN.")
        }
        guard senderArn.hasPrefix("arn:") else { throw ValidationError("--sender-arn must be the function's ARN (arn:aws:lambda:…:function:…).") }
    }

    func run() async throws {
        var spec = AttachmentSpec(
            userPoolId: userPoolId, senderFunctionArn: senderArn, kmsKeyArn: kmsKeyArn,
            layer: layerArn.map { .existing(arn: $0) } ?? .none)
        spec.redirectEmail = redirectEmail
        let result = try await CLI.attacher(journal: journal).attach(spec, context: ChangeContext(requestId: "cli-\(UUID().uuidString.lowercased())"))
        if output.json {
            try CLI.printJSON([
                "attachmentId": .string(result.attachmentId), "userPoolId": .string(userPoolId), "journal": .string(journal.location),
                "layerVersionArn": result.layerVersionArn.map { .string($0) } ?? .null,
                "replacedSender": result.replacedSender.map { .string($0) } ?? .null, "redirectEmail": .bool(redirectEmail),
            ])
        } else {
            print("attached \(senderArn) as the \(redirectEmail ? "CustomSMSSender and CustomEmailSender" : "CustomSMSSender") of \(userPoolId)")
            print("attachment \(result.attachmentId), journal \(journal.location)")
            if let replaced = result.replacedSender {
                print("replaced: the pool's own CustomSMSSender \(replaced), until `smsredirect detach` puts it back")
            }
        }
    }
}

/// `smsredirect detach`: what the helper's Delete does.
struct Detach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a user pool (and the sender's layers) to what the journal recorded before the attach.",
        discussion: """
            Settings someone else changed since the attach are left alone and reported.

            Example:
              smsredirect detach --user-pool-id eu-west-1_AbCdEf123
            """)

    @Option(name: .long, help: "The user pool id.") var userPoolId: String
    @OptionGroup var journal: JournalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let attacher = try CLI.attacher(journal: journal)
        guard let active = try await attacher.journal.read({ try $0.activeAttach(poolId: userPoolId) }) else {
            throw CLIFailure(
                "the journal \(journal.location) has no attach in force on \(userPoolId): nothing to detach. `smsredirect journal list` shows what it has.")
        }
        let result = try await attacher.detach(attachmentId: active.attachmentId, context: ChangeContext(requestId: "cli-\(UUID().uuidString.lowercased())"))
        if output.json {
            try CLI.printJSON([
                "attachmentId": .string(result.attachmentId), "userPoolId": .string(userPoolId),
                "poolMissing": .bool(result.poolMissing), "leftAlone": .array(result.notes.map { .string($0.description) }),
            ])
        } else if result.poolMissing {
            print("\(userPoolId) no longer exists: there was no pool to restore; attachment \(result.attachmentId) is closed in the journal")
            for note in result.notes {
                if case .poolMissing = note { continue }
                print("left alone: \(note)")
            }
        } else {
            print("restored \(userPoolId) (attachment \(result.attachmentId))")
            for note in result.notes { print("left alone: \(note)") }
        }
    }
}
