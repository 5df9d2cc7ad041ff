import AWSCore
import AWSServices
import Foundation
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// The inbox message is a contract for any language: what the sender writes matches
/// `schemas/*.schema.json` (checked by the Python `jsonschema` package, an outside reader), and
/// the Python example in `examples/python` reads codes from it the way `wait-code` does, on moto.
@Suite(.needsMoto, .needsPython("boto3", "jsonschema"))
struct InboxContractTests {
    static let schemas = BuiltProducts.packageRoot.appendingPathComponent("schemas")
    static let validator = BuiltProducts.packageRoot.appendingPathComponent("Tests/python/validate_json_schema.py").path
    static let example = BuiltProducts.packageRoot.appendingPathComponent("examples/python/wait_for_code.py").path

    let sns: SNSClient
    let sqs: SQSClient
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("inbox-contract-\(UUID().uuidString)")

    init() throws {
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// Runs the schema validator over documents; returns its verdict per document, by file name.
    func validate(_ documents: [String: String], against schema: String) async throws -> [String: String] {
        var paths: [String] = []
        for (name, text) in documents {
            let path = scratch.appendingPathComponent("\(name).json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let run = try await CommandRunner.run("/usr/bin/env", ["python3", Self.validator, Self.schemas.appendingPathComponent(schema).path] + paths)
        #expect(run.standardError.isEmpty, "\(run.standardError)")
        var verdicts: [String: String] = [:]
        for line in run.standardOutput.split(separator: "\n") {
            let name = URL(fileURLWithPath: String(line.split(separator: " ")[1]).replacingOccurrences(of: ":", with: "")).deletingPathExtension()
                .lastPathComponent
            verdicts[name] = String(line)
        }
        return verdicts
    }

    func makeInbox() async throws -> (topic: String, queueUrl: String) { try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs) }

    func record(_ source: TriggerSource, code: String, phone: String? = "+15555550100", time: Date = Date()) throws -> CodeRecord {
        var event = try CustomSenderEvent(json: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("fixtures/events/\(source.rawValue).json")))
        if phone != event.phoneNumber { event.request.userAttributes["phone_number"] = phone }
        SecretLedger.record(.code, code)
        return CodeRecord(event: event, code: code, time: time)
    }

    @Test func everyRecordTheSenderWritesMatchesTheSchema() async throws {
        var documents: [String: String] = [:]
        for source in TriggerSource.allCases where source.isSMS {
            documents[source.rawValue] = try record(source, code: CognitoSimulator.makeCode()).jsonString()
        }
        documents["no-phone"] = try record(.smsSignUp, code: CognitoSimulator.makeCode(), phone: nil).jsonString()
        // A notification Cognito sends without a code is a record without one.
        var notification = try CustomSenderEvent(
            json: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("fixtures/events/CustomSMSSender_AccountTakeOverNotification.json")))
        notification.request.code = nil
        documents["no-code"] = try CodeRecord(event: notification, code: nil).jsonString()
        // The validator is not vacuous: a record that breaks the contract is refused.
        var broken = try JSONValue(data: Data(try record(.smsSignUp, code: "000000").jsonString().utf8))
        broken["phoneNumber"] = "15555550100"
        documents["broken-phone"] = broken.jsonString
        broken["phoneNumber"] = nil
        broken["time"] = nil
        documents["broken-no-time"] = broken.jsonString

        let verdicts = try await validate(documents, against: "code-record.schema.json")
        for name in documents.keys where !name.hasPrefix("broken") {
            #expect(verdicts[name]?.hasPrefix("ok ") == true, "\(name): \(verdicts[name] ?? "no verdict")")
        }
        #expect(verdicts["broken-phone"]?.contains("phoneNumber") == true, "\(verdicts["broken-phone"] ?? "")")
        #expect(verdicts["broken-no-time"]?.contains("'time' is a required property") == true, "\(verdicts["broken-no-time"] ?? "")")
    }

    /// The SQS body as the inbox really receives it: SNS's envelope around the record, with the
    /// sender's message attributes.
    @Test func theInboxMessageMatchesItsSchema() async throws {
        let (topic, queueUrl) = try await makeInbox()
        _ = try await SNSCodePublisher(topicArn: topic, sns: sns).publish(try record(.smsAuthentication, code: CognitoSimulator.makeCode()))
        var bodies: [String] = []
        for _ in 0..<5 where bodies.isEmpty {
            bodies = try await sqs.receiveMessage(queueUrl: queueUrl, waitTimeSeconds: 2).map(\.body)
        }
        let body = try #require(bodies.first)
        let verdicts = try await validate(["envelope": body], against: "inbox-message.schema.json")
        #expect(verdicts["envelope"]?.hasPrefix("ok ") == true, "\(verdicts["envelope"] ?? "no verdict")")
        #expect(CodeInbox.record(fromBody: body) != nil)
    }

    @Test func thePythonExampleTakesTheNewestCodeAndLeavesOthersCodes() async throws {
        let (topic, queueUrl) = try await makeInbox()
        let publisher = SNSCodePublisher(topicArn: topic, sns: sns)
        let phone = "+1555\(String(format: "%07d", Int.random(in: 0...9_999_999)))", other = "+15555550999"
        let stale = try record(.smsSignUp, code: CognitoSimulator.makeCode(), phone: phone, time: Date().addingTimeInterval(-30))
        let newest = try record(.smsSignUp, code: CognitoSimulator.makeCode(), phone: phone)
        let theirs = try record(.smsSignUp, code: CognitoSimulator.makeCode(), phone: other)
        for record in [stale, newest, newest, theirs] { _ = try await publisher.publish(record) }

        let wait = try await CommandRunner.run(
            "/usr/bin/env", ["python3", Self.example, "--queue-url", queueUrl, "--phone", phone, "--trigger", "signup", "--timeout", "15"])
        #expect(wait.status == 0, "\(wait.standardError)")
        #expect(wait.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == newest.code, "the example did not return the newest code")

        // The stale code and the repeated delivery went with it; the neighbour's code stayed.
        let again = try await CommandRunner.run("/usr/bin/env", ["python3", Self.example, "--queue-url", queueUrl, "--phone", phone, "--timeout", "2"])
        #expect(again.status == 2, "\(again.standardOutput) \(again.standardError)")
        #expect(again.standardError.contains("no matching code arrived"))
        #expect(
            try await CodeInbox(sqs: sqs, queueUrl: queueUrl).waitForCode(matching: .init(phoneNumber: other), timeout: Moto.arrivalTimeout).code == theirs.code
        )

        let bad = try await CommandRunner.run("/usr/bin/env", ["python3", Self.example, "--queue-url", queueUrl, "--phone", "15556666"])
        #expect(bad.status == 64 && bad.standardError.contains("not E.164"), "\(bad.standardError)")
    }
}
