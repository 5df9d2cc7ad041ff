import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// `smsredirect doctor` as a person and a script run it, on a deployed stack: by pool and sender,
/// and by stack.
@Suite(.needsMinistack)
struct DoctorCLITests {
    @Test func healthyThenBrokenByPoolAndSender() async throws {
        let setup = try await DoctorSetup.make()
        let smsredirect = try BuiltProducts.path("smsredirect")
        let environment = try Ministack.cliEnvironment()
        let arguments = ["doctor", "--user-pool-id", setup.poolId, "--sender-arn", setup.senderName, "--journal", setup.journalURI]

        let healthy = try await CommandRunner.run(smsredirect, arguments, environment: environment)
        #expect(healthy.status == 0, "\(healthy.standardOutput)\(healthy.standardError)")
        #expect(healthy.standardOutput.contains("✓ sender.invoke-permission"))
        #expect(healthy.standardOutput.contains("checks hold"))

        try await setup.lambda.removePermission(functionName: setup.senderName, statementId: try await setup.invokeStatementId())
        let broken = try await CommandRunner.run(smsredirect, arguments + ["--json"], environment: environment)
        #expect(broken.status == 1, "\(broken.standardError)")
        let json = try JSONValue(data: Data(broken.standardOutput.utf8))
        #expect(json["healthy"]?.boolValue == false)
        let failed = json["checks"]?.arrayValue?.filter { $0["status"]?.stringValue == "fail" } ?? []
        #expect(failed.map { $0["id"]?.stringValue } == ["sender.invoke-permission"])
        #expect(failed.first?["fix"]?.stringValue?.contains("aws lambda add-permission") == true)

        let text = try await CommandRunner.run(smsredirect, arguments + ["--flow", "sms-sign-up"], environment: environment)
        #expect(text.status == 1)
        #expect(
            text.standardOutput.contains("✗ sender.invoke-permission") && text.standardOutput.contains("fix: aws lambda add-permission"),
            "\(text.standardOutput)")
        #expect(!text.standardOutput.contains("flow.sms-mfa"), "--flow narrows the flows checked")
        await setup.tearDown()
    }

    /// `doctor --stack`: everything from the deployed stack's outputs and parameters, the journal
    /// from its bucket.
    @Test func byStack() async throws {
        let setup = try await DoctorSetup.make()
        let smsredirect = try BuiltProducts.path("smsredirect")
        let environment = try Ministack.cliEnvironment()
        let result = try await CommandRunner.run(smsredirect, ["doctor", "--stack", setup.name], environment: environment)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("✓ stack.status: \(setup.name) is CREATE_COMPLETE"))
        #expect(result.standardOutput.contains("✓ pool.email-sender"), "RedirectEmail=true from the stack's parameters")
        #expect(result.standardOutput.contains("✓ journal.attachment"), "\(result.standardOutput)")

        let missing = try await CommandRunner.run(smsredirect, ["doctor", "--stack", "no-such-stack"], environment: environment)
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("could not read the stack no-such-stack"), "\(missing.standardError)")
        let both = try await CommandRunner.run(smsredirect, ["doctor", "--stack", setup.name, "--user-pool-id", setup.poolId], environment: environment)
        #expect(both.status == 64)
        #expect(both.standardError.contains("not both"))
        await setup.tearDown()
    }
}
