import Foundation
import Testing
@testable import AWSCore

/// A credential_process that outlives its limit ends the wait at the limit, even when a process
/// it started keeps the pipes open (the shell is terminated; its children are not its to kill).
struct CredentialProcessTimeoutTests {
    @Test(.timeLimit(.minutes(1)))
    func aCommandThatHangsIsCutOffAtItsLimit() async throws {
        let marker = NSTemporaryDirectory() + "credential-process-\(UUID().uuidString)"
        let nap = "sleep 297.\(Int.random(in: 100...999))"
        defer { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/pkill"), arguments: ["-f", nap]) }
        // The grandchild holds both pipes for five minutes and then leaves a mark.
        let hanging = CredentialProcess(command: "(\(nap); touch '\(marker)') & \(nap)", source: "profile slow", timeout: .seconds(1))
        let error = await #expect(throws: AWSConfigurationError.self) { _ = try await hanging.run() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("did not finish within 1 s"))
        #expect(!FileManager.default.fileExists(atPath: marker), "the wait ended at the limit, not when the grandchild let go of the pipes")
    }
}
