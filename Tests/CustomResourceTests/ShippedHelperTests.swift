import AWSCore
import AWSServices
import CustomResource
import Foundation
import Testing
import TestSupport

/// The helper as it ships (dist/helper.zip, `make test` packages it), run in a sandbox holding only
/// glibc, as Lambda's provided.al2023 runs it: a Create and a Delete for a real pool on moto,
/// answered to presigned URLs, with the journal in S3.
@Suite(.needsMoto, .needsZips, .needsRoot)
struct ShippedHelperTests {
    @Test func theShippedHelperAttachesAndRestoresAPoolFromABareRoot() async throws {
        let helperZip = BuiltProducts.packageRoot.appendingPathComponent("dist/helper.zip")
        #expect(FileManager.default.fileExists(atPath: helperZip.path), "dist/helper.zip is missing: run `make package` (make test does) first")
        let sandbox = try await LambdaSandbox.make(function: helperZip)
        defer { sandbox.remove() }

        let harness = try await HelperHarness.make(stackName: "shipped-helper")
        // A pool that sends SMS through a role: the helper resends its SmsConfiguration.
        let target = try await harness.makeTarget(fixture: "02-phone-username-sms-mfa-on")
        let environment = [
            "AWS_ENDPOINT_URL": try LambdaSandbox.endpointByName(), "AWS_ACCESS_KEY_ID": ShippedLambda.helper.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "shipped-helper-session",
        ]
        let log = TestLogs.path("\(sandbox.root.lastPathComponent).log")
        defer { if !TestLogs.isKept(log) { try? FileManager.default.removeItem(atPath: log) } }
        func output() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        let create = try await harness.event(.create, properties: harness.properties(target))
        let created = try await harness.run([create], environment: environment, log: log, sandbox: sandbox)
        guard case .response = created.outcome else { Issue.record("Create: \(created.outcome); the helper's output:\n\(output())"); return }
        let createResponse = try await harness.inbox.response(for: create.requestId)
        #expect(createResponse["Status"]?.stringValue == "SUCCESS", "\(createResponse["Reason"]?.stringValue ?? "")")
        let physicalId = try #require(createResponse["PhysicalResourceId"]?.stringValue)
        let attached = try await harness.cognito.describeUserPool(id: target.poolId)
        #expect(attached["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == target.function.functionArn)
        #expect(attached["LambdaConfig"]["KMSKeyID"]?.stringValue == target.keyArn)
        #expect(
            try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers + [target.layerArn])

        let delete = try await harness.event(.delete, properties: harness.properties(target), physicalId: physicalId)
        let deleted = try await harness.run([delete], environment: environment, log: log, sandbox: sandbox)
        guard case .response = deleted.outcome else { Issue.record("Delete: \(deleted.outcome); the helper's output:\n\(output())"); return }
        let deleteResponse = try await harness.inbox.response(for: delete.requestId)
        #expect(deleteResponse["Status"]?.stringValue == "SUCCESS", "\(deleteResponse["Reason"]?.stringValue ?? "")")
        let restored = try await harness.cognito.describeUserPool(id: target.poolId)
        #expect(PoolFixtures.comparable(restored) == PoolFixtures.comparable(target.original), "the pool was not restored exactly")
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        #expect(!output().contains("X-Amz-Signature"), "the ResponseURL reached the log")
    }
}
