import AWSCore
import AWSServices
import Foundation
import LambdaLocal
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// `RedirectOnly` through the built sender on moto: a test number's code goes to the inbox as
/// always; a real number gets a real SMS (moto's SNS records it: scripts/moto-server.py lists
/// them), worded from the pool's own templates, and nothing of it reaches the inbox or the log.
@Suite(.serialized, .needsMoto)
struct RedirectOnlyTests {
    static let testNumber = "+15555550147"
    static let realNumber = "+447700900123"

    @Test func onlyTheTestNumbersCodesAreRedirectedTheOthersGetCognitosSMS() async throws {
        let e2e = try SenderEndToEndTests()
        let stack = try await e2e.makeStack()
        let cognito = try CognitoIdentityProviderClient(configuration: Moto.configuration())
        let created = try await cognito.createUserPool([
            "PoolName": .string(Moto.uniqueName("redirect-only")), "VerificationMessageTemplate": ["SmsMessage": "App code: {####}"],
            "SmsAuthenticationMessage": "App sign-in code: {####}",
            "AdminCreateUserConfig": ["InviteMessageTemplate": ["SMSMessage": "Hi {username}, your App password is {####}"]],
        ])
        let poolId = try #require(created["Id"]?.stringValue)
        let simulator = CognitoSimulator(kmsKeyArn: stack.keyArn, kms: e2e.kms)
        let before = try await Moto.sentSMS().count

        var sent: [(TriggerSource, String, String)] = []
        var payloads: [Data] = []
        for (source, number) in [
            (TriggerSource.smsSignUp, Self.testNumber), (.smsSignUp, Self.realNumber), (.smsAuthentication, Self.realNumber),
            (.smsAdminCreateUser, Self.realNumber),
        ] {
            let code = source == .smsAdminCreateUser ? "Tmp-\(Int.random(in: 1000...9999))x" : CognitoSimulator.makeCode()
            SecretLedger.record(source == .smsAdminCreateUser ? .password : .code, code)
            let event = try await simulator.event(
                triggerSource: source, code: code, userPoolId: poolId, userName: "ana", phoneNumber: number, region: "us-east-1")
            SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
            sent.append((source, number, code))
            payloads.append(try event.jsonValue.data())
        }
        let log = TemporaryPath("redirect-only.log")
        let report = try await e2e.invoker(
            environment: ["KMS_KEY_ARN": stack.keyArn, "SNS_TOPIC_ARN": stack.topicArn, "REDIRECT_ONLY": "+1555, +1666"], log: log.path
        ).invoke(events: payloads)
        #expect(report.outcomes.allSatisfy { $0.isSuccess }, "\(report.outcomes)")

        // The test number's code, in the inbox; nothing else there.
        let record = try await CodeInbox(sqs: e2e.sqs, queueUrl: stack.queueUrl).waitForCode(
            matching: .init(phoneNumber: Self.testNumber), timeout: Moto.arrivalTimeout)
        #expect(record.code == sent[0].2)
        #expect(try await MotoResources.messagesHeld(by: stack.queueUrl, sqs: e2e.sqs) == 0, "a real number's code reached the inbox")

        // The real number's three SMS, as Cognito words them from the pool.
        let sms = Array(try await Moto.sentSMS().dropFirst(before))
        #expect(
            sms == [
                .init(phoneNumber: Self.realNumber, message: "App code: \(sent[1].2)"),
                .init(phoneNumber: Self.realNumber, message: "App sign-in code: \(sent[2].2)"),
                .init(phoneNumber: Self.realNumber, message: "Hi ana, your App password is \(sent[3].2)"),
            ], "\(sms)")

        // Nothing about the real number's SMS in the log: not the number, not a code.
        let logged = try String(contentsOfFile: log.path, encoding: .utf8)
        #expect(!logged.contains(Self.realNumber) && !logged.contains("+44"), "the real number was logged")
        for (_, _, code) in sent { #expect(!logged.contains(code)) }
        #expect(logged.contains("sent as a real SMS"))
    }

    @Test func aMalformedPrefixStopsTheSenderAtInitNamingIt() async throws {
        let e2e = try SenderEndToEndTests()
        let log = TemporaryPath("redirect-only-bad.log")
        let report = try await e2e.invoker(
            environment: [
                "KMS_KEY_ARN": "arn:aws:kms:us-east-1:123456789012:key/x", "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:t", "REDIRECT_ONLY": "1555",
            ],
            log: log.path
        ).invoke(events: [Data("{}".utf8)])
        guard case let .initError(_, message) = report.outcome else { Issue.record("\(report.outcome)"); return }
        #expect(message.contains("REDIRECT_ONLY has '1555'"), "\(message)")
    }
}

/// Which numbers are redirected, and the words of the SMS the others get.
@Suite(.tags(.unit))
struct RedirectOnlyRulesTests {
    @Test func prefixesAreE164AndMatchTheirNumbers() throws {
        let numbers = try RedirectedNumbers(" +1555 ,+4470")
        #expect(numbers.prefixes == ["+1555", "+4470"])
        #expect(numbers.redirects("+15555550100") && numbers.redirects("+447012345678"))
        #expect(!numbers.redirects("+447700900123") && !numbers.redirects("+16665550100"))
        #expect(numbers.redirects(nil), "no number to send an SMS to: redirected")
        #expect(try RedirectedNumbers(nil).redirects("+447700900123") && RedirectedNumbers("").redirects("+1"), "no prefix: every number")
        #expect(throws: RedirectedNumbers.Invalid(part: "1555")) { try RedirectedNumbers("+44,1555") }
        #expect(throws: RedirectedNumbers.Invalid(part: "+")) { try RedirectedNumbers("+") }
        #expect(throws: RedirectedNumbers.Invalid(part: "+1234567890123456")) { try RedirectedNumbers("+1234567890123456") }
    }

    @Test func theWordsAreThePoolsOrCognitosDefaults() {
        let pool: JSONValue = [
            "SmsVerificationMessage": "Code {####}", "VerificationMessageTemplate": ["SmsMessage": "Verify {####}"],
            "SmsAuthenticationMessage": "Sign in {####}",
        ]
        #expect(CognitoSMSWording.message(for: .smsSignUp, code: "123456", userName: "ana", pool: pool) == "Verify 123456")
        #expect(CognitoSMSWording.message(for: .smsForgotPassword, code: "1", userName: "ana", pool: ["SmsVerificationMessage": "Reset {####}"]) == "Reset 1")
        #expect(CognitoSMSWording.message(for: .smsAuthentication, code: "42", userName: "ana", pool: pool) == "Sign in 42")
        #expect(
            CognitoSMSWording.message(for: .smsAdminCreateUser, code: "P@ss", userName: "ana", pool: [:])
                == "Your username is ana and temporary password is P@ss. ")
        #expect(CognitoSMSWording.message(for: .smsResendCode, code: "7", userName: "ana", pool: [:]) == "Your verification code is 7. ")
    }
}
