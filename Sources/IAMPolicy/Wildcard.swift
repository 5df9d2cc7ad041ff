/// IAM's wildcards, as its policy language defines them: `*` stands for any run of characters
/// (none included) and `?` for exactly one. Action names compare without regard to case, resource
/// ARNs and condition values as written
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
public enum Wildcard {
    /// Whether the action pattern (`sns:Publish`, `s3:Get*`, `kms:*`, `*`) names `action`, ignoring case.
    public static func matchesAction(_ pattern: String, _ action: String) -> Bool {
        matches(pattern.lowercased(), action.lowercased())
    }

    /// Whether `pattern` matches all of `text`, case-sensitively (resources, `StringLike` values).
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        // Greedy match with one backtrack point, the last `*`: linear in practice, no regular
        // expression, so no character of an ARN can be taken for a metacharacter.
        let pattern = Array(pattern.unicodeScalars), text = Array(text.unicodeScalars)
        var p = 0, t = 0, lastStar: Int? = nil, resumeAt = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                lastStar = p
                resumeAt = t
                p += 1
            } else if let star = lastStar {
                // Let the last `*` take one more character and try again from there.
                p = star + 1
                resumeAt += 1
                t = resumeAt
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// ARN matching as `ArnLike` and `ArnEquals` do it: the six colon-separated fields compared
    /// one by one, so that a wildcard in one field never spans into the next
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
    public static func matchesARN(_ pattern: String, _ arn: String) -> Bool {
        let patternFields = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let arnFields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard patternFields.count == 6, arnFields.count == 6 else { return false }
        return zip(patternFields, arnFields).allSatisfy { matches(String($0), String($1)) }
    }
}
