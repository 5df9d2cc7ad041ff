import AWSCore
import Foundation
import SMSSender
import Testing
import TestSupport

@Suite(.tags(.unit))
struct EventTests {
    static let fixtures = BuiltProducts.packageRoot.appendingPathComponent("fixtures/events")
    static let smsSources = TriggerSource.allCases.filter(\.isSMS)

    static func fixture(_ source: TriggerSource) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent("\(source.rawValue).json"))
    }

    /// One fixture per trigger source of both senders, no more: a folder missing one fails here.
    @Test func thereIsAFixtureForEverySourceOfBothSenders() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(TriggerSource.allCases.map { "\($0.rawValue).json" }))
    }

    @Test(arguments: TriggerSource.allCases.filter { !$0.isSMS })
    func everyEmailFixtureParses(_ source: TriggerSource) throws {
        let event = try CustomSenderEvent(json: Self.fixture(source))
        #expect(event.triggerSource == source)
        #expect(event.request.type == "customEmailSenderRequestV1")
        #expect(event.email == "user@example.com" && event.phoneNumber == nil)
        #expect((event.request.code == nil) == (source == .emailAccountTakeOverNotification), "only the notification comes without a code")
    }

    @Test(arguments: smsSources)
    func everyFixtureParses(_ source: TriggerSource) throws {
        let event = try CustomSenderEvent(json: Self.fixture(source))
        #expect(event.triggerSource == source)
        #expect(event.request.type == "customSMSSenderRequestV1")
        #expect(event.phoneNumber == "+15555550100")
        #expect(event.userPoolId == "us-east-1_EXAMPLE")
        if source == .smsAdminCreateUser { #expect(event.callerContext.clientId == nil) }
    }

    @Test func missingAndWrongFieldsAreNamed() throws {
        var document = try JSONValue(data: Self.fixture(.smsSignUp))
        // An absent code is a notification without one (account takeover), not a broken event.
        document["request"]["code"] = nil
        #expect(try CustomSenderEvent(json: document.data()).request.code == nil)
        document["request"]["code"] = 42
        #expect(throws: SenderEventError.wrongType(field: "request.code", expected: "a string")) { try CustomSenderEvent(json: document.data()) }
        document = try JSONValue(data: Self.fixture(.smsSignUp))
        document["userPoolId"] = nil
        #expect(throws: SenderEventError.missingField("userPoolId")) { try CustomSenderEvent(json: document.data()) }
        document = try JSONValue(data: Self.fixture(.smsSignUp))
        document["triggerSource"] = "CustomSMSSender_Teleport"
        let error = try #require(throws: SenderEventError.self) { try CustomSenderEvent(json: document.data()) }
        #expect(error == .unknownTriggerSource("CustomSMSSender_Teleport"))
        #expect(error.description.contains("CustomSMSSender_Authentication"))
        #expect(throws: SenderEventError.self) { try CustomSenderEvent(json: Data("[1]".utf8)) }
    }

    @Test func temporaryPasswordsAreUnescaped() {
        #expect(HTMLEntities.unescape("Tmp&amp;&lt;Pass&gt;&#39;1&quot;&#x41;") == "Tmp&<Pass>'1\"A")
        #expect(HTMLEntities.unescape("a & b &unknown; &#;") == "a & b &unknown; &#;")
        #expect(TriggerSource.smsAdminCreateUser.codeIsHTMLEscaped)
        #expect(!TriggerSource.smsSignUp.codeIsHTMLEscaped)
    }

    @Test func publishedMessageCarriesTheRecordAndFilterAttributes() throws {
        let event = try CustomSenderEvent(json: Self.fixture(.smsAuthentication))
        let record = CodeRecord(event: event, code: "482913")
        let (message, attributes) = try SNSCodePublisher.message(for: record)
        let perProtocol = try JSONValue(data: Data(message.utf8))
        let sqs = try JSONDecoder().decode(CodeRecord.self, from: Data(try #require(perProtocol["sqs"]?.stringValue).utf8))
        #expect(sqs == record)
        #expect(perProtocol["default"] == perProtocol["sqs"])
        let email = try #require(perProtocol["email"]?.stringValue)
        #expect(email.hasPrefix("MFA sign-in code: 482913"))
        #expect(email.contains("+15555550100"))
        #expect(email.contains("us-east-1_EXAMPLE"))
        #expect(attributes["phone_number"]?.stringValue == "+15555550100")
        #expect(attributes["trigger_source"]?.stringValue == "CustomSMSSender_Authentication")
        #expect(attributes["user_pool_id"]?.stringValue == "us-east-1_EXAMPLE")
        #expect(attributes["username"]?.stringValue == event.userName)
    }
}
