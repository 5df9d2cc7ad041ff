#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import ProcessSpawn

/// `credential_process`: a command that prints the credentials as JSON (Version 1).
struct CredentialProcess: Sendable {
    let command: String
    let source: String
    var timeout: Duration = .seconds(60)

    func run() async throws -> AWSCredentials {
        func fail(_ problem: String) -> AWSConfigurationError { .credentialSourceFailed(source: source, problem: "credential_process \(problem)") }
        let (status, output, errors) = try await Self.execute(command, timeout: timeout)
        guard let status else { throw fail("did not finish within \(timeout.components.seconds) s") }
        guard status == 0 else {
            throw fail("exited with status \(status)\(errors.isEmpty ? "" : ": " + String(errors.prefix(500)))")
        }
        guard let document = try? JSONValue(data: output) else { throw fail("printed something that is not JSON") }
        guard document["Version"]?.intValue == 1 else {
            throw fail("printed Version \(document["Version"]?.intValue.map(String.init) ?? "(none)"); only Version 1 is defined")
        }
        guard let keyId = document["AccessKeyId"]?.stringValue, let secret = document["SecretAccessKey"]?.stringValue else {
            throw fail("printed no AccessKeyId and SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret, sessionToken: document["SessionToken"]?.stringValue,
            expiration: document["Expiration"]?.stringValue.flatMap(AWSTimestamp.parse))
    }

    /// Runs through `/bin/sh -c`, so the setting may quote its arguments as a shell line does.
    /// Returns a nil status when the command outlived the timeout: it is terminated, and the wait
    /// ends then even if a process it started still holds the pipes open.
    static func execute(_ command: String, timeout: Duration) async throws -> (Int32?, Data, String) {
        guard case .finished(let run) = try await ProcessSpawn.Command.shell(command).run(timeout: timeout) else { return (nil, Data(), "") }
        return (run.exit.status, Data(run.output), String(decoding: run.errors, as: UTF8.self))
    }
}
