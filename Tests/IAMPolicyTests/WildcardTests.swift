import IAMPolicy
import Testing

@Suite(.tags(.unit)) struct WildcardTests {
    @Test(arguments: [
        ("*", "", true), ("*", "anything", true), ("", "", true), ("", "a", false),
        ("a*b", "ab", true), ("a*b", "axxb", true), ("a*b", "axxbc", false), ("a*b*c", "abxbc", true),
        ("a?c", "abc", true), ("a?c", "ac", false), ("a?c", "abbc", false), ("??", "ab", true),
        ("a.c", "abc", false), ("a+", "aa", false), ("(x)", "(x)", true), ("[ab]", "a", false),
        ("*a", "bbbba", true), ("*a*", "bab", true), ("a**b", "ab", true), ("*?", "", false),
    ])
    func matches(pattern: String, text: String, expected: Bool) {
        #expect(Wildcard.matches(pattern, text) == expected, "\(pattern) ~ \(text)")
    }

    @Test func actionsIgnoreCaseTextDoesNot() {
        #expect(Wildcard.matchesAction("S3:get*", "s3:GetObject"))
        #expect(!Wildcard.matches("S3:get*", "s3:GetObject"))
    }

    @Test func arnFieldsAreMatchedOneByOne() {
        #expect(Wildcard.matchesARN("arn:aws:sns:*:1:t", "arn:aws:sns:us-east-1:1:t"))
        #expect(!Wildcard.matchesARN("arn:aws:sns:*:1:t", "arn:aws:sns:us-east-1:2:1:t"))
        #expect(Wildcard.matchesARN("arn:aws:lambda:*:1:function:*", "arn:aws:lambda:us-east-1:1:function:f:live"))
        #expect(!Wildcard.matchesARN("*", "arn:aws:sns:us-east-1:1:t"))
    }
}
