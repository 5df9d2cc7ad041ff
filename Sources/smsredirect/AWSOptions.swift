import ArgumentParser
import AWSCore
import AWSServices
import CustomResource
import Foundation
import Logging
import PoolJournal

/// Where the journal is: `--journal`, else `SMSREDIRECT_JOURNAL`, else `~/.smsredirect/journal.sqlite`.
struct JournalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The journal: a file path or s3://bucket/key.", valueName: "path|s3-uri"))
    var journal: String?

    var location: String {
        journal ?? ProcessInfo.processInfo.environment["SMSREDIRECT_JOURNAL"] ?? JournalStores.defaultLocalPath
    }

    func store(aws: @autoclosure () throws -> AWSClientConfiguration) throws -> any JournalStore {
        try JournalStores.store(for: location, s3: try S3Client(configuration: try aws()))
    }

    /// The store for the audit commands: a local journal that is not there is a mistyped path or
    /// a machine that never attached, not an empty journal to create.
    func existingStore(aws: @autoclosure () throws -> AWSClientConfiguration) throws -> any JournalStore {
        let store = try store(aws: try aws())
        if let local = store as? LocalJournalStore, !local.exists { throw CLIFailure(JournalError.noJournal(path: local.path).description) }
        return store
    }
}

/// A command that could not do its work, found while running it (not a usage mistake):
/// ArgumentParser prints `Error: <description>` and exits 1, without a usage line that would
/// suggest the arguments were wrong.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Output as text for a person, or `--json` for a script.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}

enum CLI {
    /// The AWS configuration as the AWS CLI finds it (environment, profile, AWS_ENDPOINT_URL…).
    static func aws() throws -> AWSClientConfiguration {
        try AWSClientConfiguration.fromEnvironment(logger: Logger(label: "smsredirect"))
    }

    static func attacher(journal: JournalOptions) throws -> Attacher {
        let aws = try aws()
        return Attacher(
            cognito: try CognitoIdentityProviderClient(configuration: aws), lambda: try LambdaClient(configuration: aws),
            journal: try journal.store(aws: aws), region: aws.region, logger: Logger(label: "smsredirect"))
    }

    /// The environment for a Lambda bootstrap run locally: `extra`, plus this process's AWS
    /// credentials, region and endpoint, so the function reaches what this command reaches.
    static func lambdaEnvironment(_ extra: [String: String]) -> [String: String] {
        var environment = extra
        for name in ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"] {
            if let value = ProcessInfo.processInfo.environment[name] { environment[name] = value }
        }
        return environment
    }

    static func printJSON(_ value: JSONValue) throws {
        print(String(decoding: try value.data(prettyPrinted: true), as: UTF8.self))
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
