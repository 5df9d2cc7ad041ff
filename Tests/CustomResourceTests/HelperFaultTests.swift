import AWSCore
import AWSServices
import CustomResource
import Foundation
import Logging
import NIOHTTP1
import PoolConfig
import PoolJournal
import Testing
import TestSupport

/// Failures, repeats and races, through the built helper where moto can produce them, and in
/// process with `FaultInjectingTransport` where it can't (a 5xx from UpdateUserPool).
@Suite(.needsMoto)
struct HelperFaultTests {
    @Test func failingUpdateUserPoolRollsBackAndTheDeleteSucceeds() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget(fixture: "12-other-triggers")
        let outage = FaultInjectingTransport(
            faults: Array(repeating: .status(500, body: #"{"__type":"InternalErrorException","message":"injected outage"}"#), count: 3),
            matching: FaultInjectingTransport.operation("UpdateUserPool"))
        let (bucket, key) = try RemoteJournalStore.parse(uri: harness.journalURI)
        let journal = RemoteJournalStore(bucket: bucket, key: key, storage: S3JournalStorage(s3: try S3Client(configuration: Moto.configuration())))
        let attacher = Attacher(
            cognito: try CognitoIdentityProviderClient(configuration: Moto.configuration(transport: outage)),
            lambda: harness.lambda, journal: journal, region: "us-east-1", logger: Logger(label: "test"))
        let lifecycle = CustomResourceLifecycle(provider: SMSRedirectProvider(attacher: attacher))

        let create = try await harness.event(.create, properties: harness.properties(target))
        let failed = try await lifecycle.handle(create, remainingTime: .seconds(120), logger: Logger(label: "test"))
        #expect(failed.status == .failed)
        let response = try await harness.inbox.response(for: create.requestId)
        #expect(response["Status"]?.stringValue == "FAILED")
        let reason = try #require(response["Reason"]?.stringValue)
        #expect(reason.contains("UpdateUserPool") && reason.contains("InternalErrorException"), "the reason names the call: \(reason)")
        #expect(reason.contains("rolled back"))
        // Nothing half-changed: the layer came off again, the pool never changed, and the journal says so.
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))
        let entries = try await harness.journalEntries()
        #expect(entries.map(\.status) == [.started, .failed])
        #expect(entries.last?.detail?.contains("UpdateUserPool") == true)

        // CloudFormation follows a failed Create with a Delete: it must succeed and touch nothing.
        let delete = try await harness.event(.delete, properties: harness.properties(target), physicalId: failed.physicalResourceId)
        try await harness.run([delete])
        #expect(try await harness.inbox.response(for: delete.requestId)["Status"]?.stringValue == "SUCCESS")
        #expect(try await harness.journalEntries().last?.status == .skipped)
    }

    @Test func aRepeatedDeliveryChangesNothingTwiceAndAnswersTheSame() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let create = try await harness.event(.create, properties: harness.properties(target))
        let log = TestLogs.path("helper.log")
        defer { if !TestLogs.isKept(log) { try? FileManager.default.removeItem(atPath: log) } }
        try await harness.run([create], log: log)
        let first = try await harness.inbox.response(for: create.requestId)
        try await harness.inbox.clear(for: create.requestId)
        try await harness.run([create], log: log)
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(output.contains("custom resource succeeded"))
        #expect(!output.contains("X-Amz-Signature") && !output.contains(harness.bucket + "/responses"), "the helper logged the ResponseURL")
        let second = try await harness.inbox.response(for: create.requestId)
        #expect(first["Status"]?.stringValue == "SUCCESS")
        #expect(second == first, "the second delivery is answered too, with the first answer")
        let entries = try await harness.journalEntries()
        #expect(entries.filter { $0.requestId == create.requestId }.map(\.status) == [.started, .succeeded])
        #expect(
            try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers + [target.layerArn])
    }

    /// Someone points the pool's CustomSMSSender at their own function between Create and
    /// Delete: the Delete leaves theirs in place, says so in `LeftAlone` and the journal, and
    /// still takes our layer off.
    @Test func aSenderSomeoneElseSetAfterTheCreateIsLeftAloneByTheDelete() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let create = try await harness.event(.create, properties: harness.properties(target))
        try await harness.run([create])
        let physicalId = try #require(try await harness.inbox.response(for: create.requestId)["PhysicalResourceId"]?.stringValue)
        let theirs = "arn:aws:lambda:us-east-1:123456789012:function:their-sms-sender"
        var request = try UpdateUserPoolRequest.carryingOver(try await harness.cognito.describeUserPool(id: target.poolId))
        request["LambdaConfig"]["CustomSMSSender"] = ["LambdaArn": .string(theirs), "LambdaVersion": "V1_0"]
        try await harness.cognito.updateUserPool(request)

        let delete = try await harness.event(.delete, properties: harness.properties(target), physicalId: physicalId)
        try await harness.run([delete])
        let response = try await harness.inbox.response(for: delete.requestId)
        #expect(response["Status"]?.stringValue == "SUCCESS", "\(response["Reason"]?.stringValue ?? "")")
        let leftAlone = response["Data"]["LeftAlone"]?.stringValue ?? ""
        #expect(leftAlone.contains("LambdaConfig.CustomSMSSender is \(theirs)") && leftAlone.contains("left as it is"), "\(leftAlone)")
        #expect(try await harness.cognito.describeUserPool(id: target.poolId)["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == theirs)
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        let last = try #require(try await harness.journalEntries().last)
        #expect(last.action == .detach && last.status == .succeeded && last.detail?.contains(theirs) == true)
    }

    @Test func aPoolDeletedBehindOurBackIsNotAnErrorOnDelete() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let create = try await harness.event(.create, properties: harness.properties(target))
        try await harness.run([create])
        let physicalId = try #require(try await harness.inbox.response(for: create.requestId)["PhysicalResourceId"]?.stringValue)
        try await MotoResources.deleteUserPool(target.poolId, with: harness.cognito)

        let delete = try await harness.event(.delete, properties: harness.properties(target), physicalId: physicalId)
        try await harness.run([delete])
        let response = try await harness.inbox.response(for: delete.requestId)
        #expect(response["Status"]?.stringValue == "SUCCESS", "\(response["Reason"]?.stringValue ?? "")")
        #expect(response["Data"]["LeftAlone"]?.stringValue?.contains("no longer exists") == true)
        // The layer still came off the sender.
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
    }

    @Test func badPropertiesAndLongStackNamesFailWithAReasonAndDeleteCleanly() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        var properties = harness.properties(target)
        properties["KmsKeyArn"] = nil
        properties["Colour"] = "blue"
        let bad = try await harness.event(.create, properties: properties)
        let longName = String(repeating: "s", count: 49)
        let long = try await harness.event(
            .create, properties: harness.properties(target),
            stackId: "arn:aws:cloudformation:us-east-1:\(Moto.accountId):stack/\(longName)/\(UUID().uuidString)")
        try await harness.run([bad, long])

        let badResponse = try await harness.inbox.response(for: bad.requestId)
        #expect(badResponse["Status"]?.stringValue == "FAILED")
        let reason = try #require(badResponse["Reason"]?.stringValue)
        #expect(reason.contains("Colour") && reason.contains("KmsKeyArn is missing"), "\(reason)")
        let badId = try #require(badResponse["PhysicalResourceId"]?.stringValue)
        let longResponse = try await harness.inbox.response(for: long.requestId)
        #expect(longResponse["Status"]?.stringValue == "FAILED")
        #expect(longResponse["Reason"]?.stringValue?.contains("at most 48") == true)
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))

        let delete = try await harness.event(.delete, properties: properties, physicalId: badId)
        try await harness.run([delete])
        #expect(try await harness.inbox.response(for: delete.requestId)["Status"]?.stringValue == "SUCCESS")
    }

    @Test func updatesKeepOrMoveTheAttachmentAndTheOldDeleteYields() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let secondKey = try await harness.kms.createKey(description: "rotated")
        let create = try await harness.event(.create, properties: harness.properties(target))
        try await harness.run([create])
        let firstId = try #require(try await harness.inbox.response(for: create.requestId)["PhysicalResourceId"]?.stringValue)

        // The same properties: same id, nothing changed.
        let same = try await harness.event(.update, properties: harness.properties(target), physicalId: firstId, old: harness.properties(target))
        // Another key: a new attachment under a new id; then CloudFormation deletes the old one.
        let moved = try await harness.event(
            .update, properties: harness.properties(target, keyArn: secondKey.arn), physicalId: firstId, old: harness.properties(target))
        try await harness.run([same, moved])
        #expect(try await harness.inbox.response(for: same.requestId)["PhysicalResourceId"]?.stringValue == firstId)
        let secondId = try #require(try await harness.inbox.response(for: moved.requestId)["PhysicalResourceId"]?.stringValue)
        #expect(secondId != firstId)
        #expect(try await harness.cognito.describeUserPool(id: target.poolId)["LambdaConfig"]["KMSKeyID"]?.stringValue == secondKey.arn)

        let deleteOld = try await harness.event(.delete, properties: harness.properties(target), physicalId: firstId)
        try await harness.run([deleteOld])
        #expect(try await harness.inbox.response(for: deleteOld.requestId)["Status"]?.stringValue == "SUCCESS")
        let stillAttached = try await harness.cognito.describeUserPool(id: target.poolId)
        #expect(stillAttached["LambdaConfig"]["KMSKeyID"]?.stringValue == secondKey.arn, "the old Delete must yield to the new attachment")
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers.contains(target.layerArn))

        let deleteNew = try await harness.event(.delete, properties: harness.properties(target, keyArn: secondKey.arn), physicalId: secondId)
        try await harness.run([deleteNew])
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
    }

    @Test func aHungCallIsAnsweredByTheWatchdog() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let silent = try await MisbehavingServer(.neverRespond)
        defer { Task { try? await silent.shutdown() } }
        let create = try await harness.event(.create, properties: harness.properties(target))
        try await harness.run(
            [create], environment: ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": silent.url, "WATCHDOG_MARGIN_MS": "3000"], timeout: .seconds(5))
        let response = try await harness.inbox.response(for: create.requestId)
        #expect(response["Status"]?.stringValue == "FAILED")
        #expect(response["Reason"]?.stringValue?.hasPrefix("timed out") == true)
    }

    /// Only UpdateUserPool hangs, after the layer went on: the watchdog answers the Create
    /// FAILED under the attachment's id, and the Delete that follows undoes the half-done attach
    /// from its journaled start (the layer off, the pool as it was), instead of finding nothing.
    @Test func aWatchdogTimeoutMidAttachIsUndoneByTheFollowUpDelete() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget(fixture: "13-prior-custom-sms-sender")
        let moto = try Moto.endpoint()
        let forward = AsyncHTTPClientTransport()
        // A stand-in in front of moto's Cognito that never answers UpdateUserPool (moto cannot hang).
        let cognito = try await LoopbackHTTPStandIn { request in
            if request.header("X-Amz-Target")?.hasSuffix(".UpdateUserPool") == true {
                try? await Task.sleep(for: .seconds(90))
                return .text("", status: 504)
            }
            let headers = request.headers.filter { !["host", "content-length", "connection"].contains($0.name.lowercased()) }
            guard
                let answer = try? await forward.send(
                    HTTPRequest(method: HTTPMethod(rawValue: request.method), origin: moto, path: request.target, headers: headers, body: request.body),
                    timeout: .seconds(10))
            else {
                return .text("moto did not answer", status: 502)
            }
            return .init(status: answer.status, body: answer.body, contentType: answer.header("Content-Type") ?? "application/x-amz-json-1.1")
        }
        defer { Task { try? await cognito.shutdown() } }

        let create = try await harness.event(.create, properties: harness.properties(target))
        // A budget of 16 s: the steps before the update (describes, the journal's start, the
        // layer) finish within it even on a loaded machine; then only the hang is left.
        try await harness.run(
            [create], environment: ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": cognito.url, "WATCHDOG_MARGIN_MS": "4000"], timeout: .seconds(20))
        let answer = try await harness.inbox.response(for: create.requestId)
        #expect(answer["Status"]?.stringValue == "FAILED" && answer["Reason"]?.stringValue?.hasPrefix("timed out") == true)
        let physicalId = try #require(answer["PhysicalResourceId"]?.stringValue)
        #expect(physicalId.hasPrefix(target.poolId + "|"), "the attachment's id, so the Delete can find what was begun: \(physicalId)")
        #expect(
            try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers.contains(target.layerArn),
            "the layer went on before the hang")
        #expect(try await harness.journalEntries().map(\.status) == [.started])

        let delete = try await harness.event(.delete, properties: harness.properties(target), physicalId: physicalId)
        try await harness.run([delete])
        #expect(try await harness.inbox.response(for: delete.requestId)["Status"]?.stringValue == "SUCCESS")
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))
        let entries = try await harness.journalEntries()
        #expect(entries.map(\.status) == [.started, .started, .failed, .succeeded], "the start, the undo's start, the attach closed, the undo done")
        #expect(entries.last?.action == .detach && entries.last?.detail?.contains("interrupted") == true, "\(entries.last?.detail ?? "")")
    }

    @Test func concurrentHelpersShareOneJournal() async throws {
        let harness = try await HelperHarness.make()
        let first = try await harness.makeTarget(), second = try await harness.makeTarget()
        let createFirst = try await harness.event(.create, properties: harness.properties(first))
        let createSecond = try await harness.event(.create, properties: harness.properties(second))
        async let one = harness.run([createFirst])
        async let two = harness.run([createSecond])
        _ = try await (one, two)
        for create in [createFirst, createSecond] {
            #expect(try await harness.inbox.response(for: create.requestId)["Status"]?.stringValue == "SUCCESS")
        }
        let succeeded = try await harness.journalEntries().filter { $0.status == .succeeded }.map(\.poolId)
        #expect(Set(succeeded) == [first.poolId, second.poolId])
    }

    /// The response PUT to the presigned S3 URL: S3's 503s are retried, a 403 (an expired or
    /// altered URL) is not, and the failure names the host only, never the signed URL.
    @Test func theResponsePUTIsRetriedThroughServerErrorsAndNotAfterARefusal() async throws {
        let harness = try await HelperHarness.make()
        let quick = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))
        let slowDown = FaultInjectingTransport.Fault.status(
            503, body: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")

        let create = try await harness.event(.create, properties: [:])
        let answer = CustomResourceResponse(status: .success, physicalResourceId: "us-east-1_pool|sender|digest", event: create, data: ["ReplacedSender": ""])
        let flaky = FaultInjectingTransport(faults: [slowDown, slowDown])
        try await HTTPResponseSender(transport: flaky, retry: quick).send(answer, to: create.responseURL)
        #expect(flaky.attempts >= 3, "two 503s, then moto (a slow answer under load is retried too)")
        let stored = try await harness.inbox.response(for: create.requestId)
        #expect(stored["Status"]?.stringValue == "SUCCESS" && stored["PhysicalResourceId"]?.stringValue == "us-east-1_pool|sender|digest")

        let delete = try await harness.event(.delete, properties: [:])
        let refusing = FaultInjectingTransport(faults: [.status(403, body: "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>")])
        let failure = await #expect(throws: HTTPResponseSender.DeliveryFailed.self) {
            try await HTTPResponseSender(transport: refusing, retry: quick).send(
                CustomResourceResponse(status: .success, physicalResourceId: "x", event: delete), to: delete.responseURL)
        }
        #expect(refusing.attempts == 1, "a refusal is final: retrying an expired URL only delays the stack")
        let text = failure.map { "\($0)" } ?? ""
        #expect(text.contains("HTTP 403") && !text.contains("X-Amz-Signature") && !text.contains("?"), "\(text)")
        await #expect(throws: (any Error).self) { _ = try await harness.inbox.rawResponse(for: delete.requestId) }
    }
}

@Suite(.tags(.unit))
struct ResponseShapeTests {
    static let event = CustomResourceEvent(
        requestType: .create, responseURL: "https://example.com/r?X-Amz-Signature=secret", stackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        requestId: "r1", resourceType: "Custom::SMSRedirectAttachment", logicalResourceId: "Attachment", resourceProperties: [:])

    @Test func bodyStaysWithinTheLimitWithTheReasonCut() throws {
        let response = CustomResourceResponse(
            status: .failed, reason: String(repeating: "é long reason ", count: 800), physicalResourceId: "p", event: Self.event)
        let body = response.body()
        #expect(body.count <= 4096)
        let parsed = try JSONValue(data: body)
        #expect(parsed["Reason"]?.stringValue?.hasSuffix("(cut)") == true)
        #expect(parsed["Status"]?.stringValue == "FAILED")
        #expect(parsed["PhysicalResourceId"]?.stringValue == "p")
    }

    @Test func eventsDecodeAndNameWhatIsMissing() throws {
        let decoded = try JSONDecoder().decode(CustomResourceEvent.self, from: Self.event.jsonValue.data())
        #expect(decoded == Self.event)
        #expect(decoded.stackName == "s")
        #expect(decoded.account == "123456789012")
        var broken = Self.event.jsonValue
        broken["ResponseURL"] = nil
        #expect(throws: MalformedCustomResourceEvent.self) { try JSONDecoder().decode(CustomResourceEvent.self, from: broken.data()) }
    }
}
