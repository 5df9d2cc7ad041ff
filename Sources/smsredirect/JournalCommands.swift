import ArgumentParser
import AWSCore
import AWSServices
import Foundation
import PoolConfig
import PoolJournal

/// `smsredirect journal`: audit what was changed, and compare it with the pool now.
struct Journal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the journal of attaches and detaches.",
        subcommands: [List.self, Show.self, Diff.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per entry, oldest first.",
            discussion: """
                Example:
                  smsredirect journal list --journal s3://my-journal-bucket/journal.sqlite
                """)
        @OptionGroup var journal: JournalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let entries = try await journal.existingStore(aws: try CLI.aws()).read { try $0.all() }
            if output.json {
                try CLI.printJSON(entries.map(JournalEntrySummary.init))
                return
            }
            print(entries.isEmpty ? "the journal \(journal.location) is empty" : JournalTable.render(entries))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One entry in full, with the original pool document.",
            discussion: """
                Example:
                  smsredirect journal show 3 --json
                """)
        @Argument(help: "The entry's id (from `journal list`).") var id: Int64
        @OptionGroup var journal: JournalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let id = self.id
            let entry = try await journal.existingStore(aws: try CLI.aws()).read { try $0.entry(id: id) }
            if output.json { try CLI.printJSON(entry); return }
            print("entry \(id): \(entry.action.rawValue) \(entry.status.rawValue) at \(JournalTime.format(entry.createdAt))")
            print("attachment \(entry.attachmentId)")
            print("pool \(entry.poolId) in \(entry.region)\(entry.account.map { ", account \($0)" } ?? "")")
            if let stack = entry.stackId { print("stack \(stack) (\(entry.logicalId ?? "-"))") }
            print("request \(entry.requestId)")
            if let sender = entry.senderArn { print("sender \(sender)") }
            if let key = entry.kmsKeyArn { print("KMS key \(key)") }
            if let layer = entry.layerVersionArn { print("layer \(layer)\(entry.publishedLayer ? " (published by us)" : "")") }
            if let layers = entry.originalLayers { print("original layers: \(layers.isEmpty ? "none" : layers.joined(separator: ", "))") }
            if let detail = entry.detail, !detail.isEmpty { print("detail: \(detail)") }
            if let original = entry.originalPool { print("original pool:\n\(String(decoding: try original.data(prettyPrinted: true), as: UTF8.self))") }
            if let mfa = entry.originalMfaConfig {
                print("original MFA factors (GetUserPoolMfaConfig):\n\(String(decoding: try mfa.data(prettyPrinted: true), as: UTF8.self))")
            }
            if let applied = entry.appliedRequest {
                print("UpdateUserPool request:\n\(String(decoding: try applied.data(prettyPrinted: true), as: UTF8.self))")
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The pool (and its MFA factors) as the entry recorded it before the change, against the pool as it is now.",
            discussion: """
                Example:
                  smsredirect journal diff 3
                """)
        @Argument(help: "The entry's id (from `journal list`).") var id: Int64
        @OptionGroup var journal: JournalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let id = self.id
            let aws = try CLI.aws()
            let entry = try await journal.existingStore(aws: aws).read { try $0.entry(id: id) }
            guard let original = entry.originalPool else {
                throw CLIFailure(
                    "entry \(id) (\(entry.action.rawValue) \(entry.status.rawValue)) recorded no pool document; pick an attach entry from `journal list`.")
            }
            let cognito = try CognitoIdentityProviderClient(configuration: aws)
            var differences = PoolDiff.poolDifferences(from: original, to: try await cognito.describeUserPool(id: entry.poolId))
            // The MFA factors, under `MFA.`, for entries that journaled them.
            if let mfa = entry.originalMfaConfig {
                differences += PoolDiff.differences(from: mfa, to: try await cognito.getUserPoolMfaConfig(id: entry.poolId), path: "MFA")
            }
            if output.json { try CLI.printJSON(differences); return }
            if differences.isEmpty { print("\(entry.poolId) is as entry \(id) recorded it"); return }
            for difference in differences {
                print("\(difference.path): \(difference.before?.jsonString ?? "(absent)") → \(difference.after?.jsonString ?? "(absent)")")
            }
        }
    }
}
