import Foundation
import Testing
@testable import AWSCore

/// A credential_process that outlives its limit ends the wait at the limit, even when a process
/// it started keeps the pipes open (the shell is terminated; its children are not its to kill).
struct CredentialProcessTimeoutTests {
    @Test func aCommandThatHangsIsCutOffAtItsLimit() async throws {
        let started = ContinuousClock.now
        let hanging = CredentialProcess(command: "sleep 30 & sleep 30", source: "profile slow", timeout: .seconds(1))
        let error = await #expect(throws: AWSConfigurationError.self) { _ = try await hanging.run() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("did not finish within 1 s"))
        #expect(ContinuousClock.now - started < .seconds(10), "the wait ended at the limit, not when the grandchild let go of the pipe")
    }
}
