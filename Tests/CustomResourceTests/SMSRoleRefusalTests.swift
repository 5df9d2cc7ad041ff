import AWSCore
import CustomResource
import Foundation
import Testing
import TestSupport

/// A pool that sends SMS through a role the stack does not declare (`SMSRoleArn`) can't be updated
/// by the helper (iam:PassRole): its Create fails before anything is journaled or changed, with a
/// reason that names the parameter to set.
@Suite(.needsMoto)
struct SMSRoleRefusalTests {
    @Test(arguments: ["", "arn:aws:iam::123456789012:role/some-other-role"])
    func aPoolsUndeclaredSMSRoleFailsTheCreateBeforeAnyChange(declared: String) async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget(fixture: "02-phone-username-sms-mfa-on")
        let role = try #require(target.original["SmsConfiguration"]["SnsCallerArn"]?.stringValue)
        var properties = harness.properties(target)
        properties["SMSRoleArn"] = .string(declared)
        let create = try await harness.event(.create, properties: properties)
        try await harness.run([create])

        let response = try await harness.inbox.response(for: create.requestId)
        #expect(response["Status"]?.stringValue == "FAILED")
        let reason = response["Reason"]?.stringValue ?? ""
        #expect(reason.contains("set the stack parameter SMSRoleArn to \(role)"), "\(reason)")
        #expect(reason.contains("nothing was changed"), "\(reason)")
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        #expect(try await harness.journalEntries().filter { $0.poolId == target.poolId }.isEmpty, "a refused Create journals nothing")

        // The same pool with its role declared attaches.
        properties["SMSRoleArn"] = .string(role)
        let retry = try await harness.event(.create, properties: properties)
        try await harness.run([retry])
        let retried = try await harness.inbox.response(for: retry.requestId)
        #expect(retried["Status"]?.stringValue == "SUCCESS", "\(retried["Reason"]?.stringValue ?? "")")
    }
}
