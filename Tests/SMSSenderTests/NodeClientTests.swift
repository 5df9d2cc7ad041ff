import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// The JavaScript client (clients/node) against a real inbox on moto, through the built CLI: this
/// test fills the inbox and runs the package's own tests with Node's test runner.
@Suite(.needsMoto, .needsNode)
struct NodeClientTests {
    @Test func theNodeClientsTestsPassAgainstAnInboxOnMoto() async throws {
        let sns = try SNSClient(configuration: Moto.configuration())
        let sqs = try SQSClient(configuration: Moto.configuration())
        let (topic, queue) = try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs)
        func phone() -> String { "+1555559\(String(format: "%04d", Int.random(in: 0...9999)))" }
        func code() -> String { String(format: "%06d", Int.random(in: 0...999_999)) }
        let start = Date().addingTimeInterval(-30)
        func publish(_ codes: [String], to phone: String) async throws {
            for (index, value) in codes.enumerated() {
                _ = try await sns.publish(
                    topicArn: topic, message: CodeRecordJSON.make(code: value, phone: phone, time: start.addingTimeInterval(Double(index))).jsonString)
            }
        }
        let three = (phone: phone(), codes: [code(), code(), code()]), one = (phone: phone(), code: code())
        let two = (phone: phone(), codes: [code(), code()]), unexpected = (phone: phone(), code: code())
        try await publish(three.codes, to: three.phone)
        try await publish([one.code], to: one.phone)
        try await publish(two.codes, to: two.phone)
        try await publish([unexpected.code], to: unexpected.phone)
        let fixture: JSONValue = [
            "queueUrl": .string(queue), "timeout": .integer(Int64(Moto.arrivalTimeout.components.seconds)),
            "three": ["phone": .string(three.phone), "codes": .array(three.codes.map { .string($0) })],
            "one": ["phone": .string(one.phone), "code": .string(one.code)],
            "two": ["phone": .string(two.phone), "codes": .array(two.codes.map { .string($0) })],
            "unexpected": ["phone": .string(unexpected.phone), "code": .string(unexpected.code)],
            "silent": ["phone": .string(phone())],
        ]
        let result = try await CommandRunner.run(
            "/usr/bin/env", ["node", "--test", BuiltProducts.packageRoot.appendingPathComponent("clients/node/test").path],
            environment: ["SMSREDIRECT_NODE_FIXTURE": fixture.jsonString, "SMSREDIRECT_CLI": try BuiltProducts.path("smsredirect")])
        // Node's runner prints a summary; a failing test's diff could show a code, so it is shown only then.
        #expect(result.status == 0, "node --test failed:\n\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("# pass 6") && result.standardOutput.contains("# fail 0"), "\(result.standardOutput)")
    }
}
