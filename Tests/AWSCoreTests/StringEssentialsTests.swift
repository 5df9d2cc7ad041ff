import AWSCore
import Foundation
import Testing

/// The text helpers AWSCore writes on the standard library (the sender links no full Foundation),
/// checked against Foundation's own answers, which the tests may link.
struct StringEssentialsTests {
    static let percentCases = [
        "", "plain", "%7B%22Version%22%3A%222012-10-17%22%7D", "a%20b+c", "%E2%9C%93", "%e2%9c%93", "100%", "%4", "%zz", "%FF", "%2", "a%%41",
        #"{"Version": "2012-10-17"}"#,
    ]

    @Test(arguments: percentCases)
    func percentDecodingAgreesWithFoundation(_ text: String) {
        #expect(text.percentDecoded == text.removingPercentEncoding)
    }

    static let trimCases = ["", "  ", "a", " a ", "\ta b\t", "\n key = value \r\n", " \u{00A0}x\u{2003} ", "[profile dev]  ", "\u{3000}key\u{3000}", " v\n"]

    @Test(arguments: trimCases)
    func trimmingAgreesWithFoundation(_ text: String) {
        #expect(text.trimmingWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text.trimmingHorizontalWhitespace == text.trimmingCharacters(in: .whitespaces))
    }
}
