import AWSCore
import Foundation

/// A code record as the sender writes it (the JSON of `SMSSender.CodeRecord`, an SMS channel
/// record), for tests that put codes in an inbox without running the sender. The code is
/// recorded in the secret ledger: no test output or log may show it.
public enum CodeRecordJSON {
    public static func make(
        code: String, phone: String, trigger: String = "CustomSMSSender_SignUp", userName: String? = nil, userPoolId: String = "us-east-1_Test",
        time: Date = Date()
    ) -> JSONValue {
        SecretLedger.record(.code, code)
        return [
            "code": .string(code), "purpose": "test code", "triggerSource": .string(trigger), "channel": "sms", "userPoolId": .string(userPoolId),
            "userName": .string(userName ?? "user\(phone)"), "phoneNumber": .string(phone), "clientMetadata": [:], "region": "us-east-1",
            "time": .string(time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
        ]
    }
}
