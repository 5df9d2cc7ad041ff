import AWSCore
import AWSServices
import CustomResource
import Foundation
import PoolJournal
import Testing
import TestSupport

/// Create then Delete through the built helper, for every pool configuration in fixtures/pools:
/// the pool and the sender come back exactly as they were.
@Suite(.needsMoto)
struct HelperRoundTripTests {
    @Test func everyPoolConfigurationComesBackExactly() async throws {
        let harness = try await HelperHarness.make()
        var targets: [(String, HelperHarness.Target)] = []
        for fixture in PoolFixtures.names { targets.append((fixture, try await harness.makeTarget(fixture: fixture))) }

        var creates: [CustomResourceEvent] = []
        for (_, target) in targets { creates.append(try await harness.event(.create, properties: harness.properties(target))) }
        let createReport = try await harness.run(creates)
        #expect(createReport.outcomes.count == creates.count)

        var deletes: [CustomResourceEvent] = []
        for ((fixture, target), create) in zip(targets, creates) {
            let response = try await harness.inbox.response(for: create.requestId)
            #expect(response["Status"]?.stringValue == "SUCCESS", "\(fixture): \(response["Reason"]?.stringValue ?? "")")
            #expect(response["RequestId"]?.stringValue == create.requestId)
            #expect(response["StackId"]?.stringValue == harness.stackId)
            #expect(response["LogicalResourceId"]?.stringValue == "Attachment")
            let physicalId = try #require(response["PhysicalResourceId"]?.stringValue)
            #expect(physicalId.hasPrefix("\(target.poolId)|\(target.function.functionName)|"))
            #expect(physicalId.utf8.count <= 1024)
            #expect(response["Data"]["LayerVersionArn"]?.stringValue == target.layerArn)
            // Only the pool that had its own sender hears that it is replaced.
            #expect(
                response["Data"]["ReplacedSender"]?.stringValue == target.original["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue, "\(fixture)")

            let attached = try await harness.cognito.describeUserPool(id: target.poolId)
            #expect(attached["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == target.function.functionArn, "\(fixture)")
            #expect(attached["LambdaConfig"]["KMSKeyID"]?.stringValue == target.keyArn)
            #expect(
                try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers + [
                    target.layerArn
                ])
            deletes.append(try await harness.event(.delete, properties: harness.properties(target), physicalId: physicalId))
        }

        try await harness.run(deletes)
        for ((fixture, target), delete) in zip(targets, deletes) {
            let response = try await harness.inbox.response(for: delete.requestId)
            #expect(response["Status"]?.stringValue == "SUCCESS", "\(fixture): \(response["Reason"]?.stringValue ?? "")")
            let restored = try await harness.cognito.describeUserPool(id: target.poolId)
            #expect(PoolFixtures.comparable(restored) == PoolFixtures.comparable(target.original), "\(fixture) was not restored exactly")
            #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers, "\(fixture)")
        }

        // Every UpdateUserPool the helper sent (journaled with its attach or detach) carried every
        // updatable member of the pool it was built from, and nothing outside the input shape.
        let entries = try await harness.journalEntries()
        #expect(entries.filter { $0.action == .attach && $0.status == .succeeded }.count == targets.count)
        #expect(entries.filter { $0.action == .detach && $0.status == .succeeded }.count == targets.count)
        for (fixture, target) in targets {
            let attach = try #require(entries.last { $0.poolId == target.poolId && $0.action == .attach && $0.status == .succeeded })
            let attachCheck = AllowlistCheck.check(
                request: try #require(attach.appliedRequest), described: target.original, changedOnPurpose: AllowlistCheck.restoredLambdaConfig)
            #expect(attachCheck.isClean, "\(fixture) attach: \(attachCheck)")
            #expect(attach.originalPool == target.original, "\(fixture): the journal must hold the pool as it was before")
            #expect(attach.originalLayers == target.function.layers)
            let detach = try #require(entries.last { $0.poolId == target.poolId && $0.action == .detach && $0.status == .succeeded })
            let restoreCheck = AllowlistCheck.check(
                request: try #require(detach.appliedRequest), described: target.original, changedOnPurpose: AllowlistCheck.restoredLambdaConfig)
            #expect(restoreCheck.isClean, "\(fixture) restore: \(restoreCheck)")
        }
    }
}
