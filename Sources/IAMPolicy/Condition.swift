/// One test of a statement's `Condition` block: an operator, a context key, and the values it
/// accepts (any one of them will do). Every test of a statement must hold for it to apply.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
public struct Condition: Sendable, Equatable {
    /// The operator, e.g. `StringEquals` or `ArnLikeIfExists`.
    public var `operator`: ConditionOperator
    /// The context key, e.g. `aws:SourceArn` (compared without regard to case, as IAM does).
    public var key: String
    /// The values the policy gives.
    public var values: [String]

    /// A condition built in code.
    public init(operator: ConditionOperator, key: String, values: [String]) {
        self.operator = `operator`
        self.key = key
        self.values = values
    }
}

/// A condition operator, as far as this engine models it: the string, ARN, Bool and Null
/// operators (the ones the project's templates and doctor meet), each with `…IfExists`.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
public struct ConditionOperator: Sendable, Equatable, CustomStringConvertible {
    /// What a modelled operator tests.
    public enum Test: Sendable, Equatable {
        /// `StringEquals`: one of the values exactly, case-sensitively.
        case stringEquals
        /// `StringNotEquals`: none of the values.
        case stringNotEquals
        /// `StringEqualsIgnoreCase`.
        case stringEqualsIgnoreCase
        /// `StringNotEqualsIgnoreCase`.
        case stringNotEqualsIgnoreCase
        /// `StringLike`: one of the values with `*` and `?`.
        case stringLike
        /// `StringNotLike`.
        case stringNotLike
        /// `ArnEquals` and `ArnLike`, which IAM evaluates alike: field by field, wildcards allowed.
        case arnLike
        /// `ArnNotEquals` and `ArnNotLike`.
        case arnNotLike
        /// `Bool`: `true` or `false`, without regard to case.
        case bool
        /// `Null`: `true` when the key must be absent, `false` when it must be present.
        case null

        /// Whether the operator is a "not" one, which holds when the key is absent.
        var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .arnNotLike: true
            default: false
            }
        }
    }

    /// The operator as the policy writes it.
    public var name: String
    /// What it tests; nil for an operator this engine does not model (Numeric…, Date…, IpAddress,
    /// the ForAnyValue:/ForAllValues: set operators).
    public var test: Test?
    /// `…IfExists`: the test holds when the key is absent from the request.
    public var ifExists: Bool

    /// The operator named `name` as a policy writes it.
    public init(_ name: String) {
        self.name = name
        let base = name.hasSuffix("IfExists") ? String(name.dropLast("IfExists".count)) : name
        ifExists = base != name
        test =
            switch base {
            case "StringEquals": .stringEquals
            case "StringNotEquals": .stringNotEquals
            case "StringEqualsIgnoreCase": .stringEqualsIgnoreCase
            case "StringNotEqualsIgnoreCase": .stringNotEqualsIgnoreCase
            case "StringLike": .stringLike
            case "StringNotLike": .stringNotLike
            case "ArnEquals", "ArnLike": .arnLike
            case "ArnNotEquals", "ArnNotLike": .arnNotLike
            case "Bool": .bool
            case "Null" where !ifExists: .null
            default: nil
            }
    }

    /// The operator's name.
    public var description: String { name }
}

extension Condition {
    /// What the condition makes of a request.
    enum Reading {
        case holds, fails
        /// The key is not in the context, and the caller said it does not know the other keys.
        case unknownKey
        /// The operator is not modelled.
        case unsupported
    }

    func reading(_ context: [String: String], otherKeys: Request.OtherKeys) -> Reading {
        guard let test = `operator`.test else { return .unsupported }
        let value = context[key.lowercased()]
        if value == nil, otherKeys == .unknown { return .unknownKey }
        func verdict(_ holds: Bool) -> Reading { holds ? .holds : .fails }
        guard let value else {
            if test == .null { return verdict(values.contains { $0.lowercased() == "true" }) }
            // IAM: an absent key fails the test, unless the operator is …IfExists or a negated one
            // (reference_policies_elements_condition_operators.html, "If the key … is not present").
            return verdict(`operator`.ifExists || test.isNegated)
        }
        switch test {
        case .stringEquals: return verdict(values.contains(value))
        case .stringNotEquals: return verdict(!values.contains(value))
        case .stringEqualsIgnoreCase: return verdict(values.contains { $0.lowercased() == value.lowercased() })
        case .stringNotEqualsIgnoreCase: return verdict(!values.contains { $0.lowercased() == value.lowercased() })
        case .stringLike: return verdict(values.contains { Wildcard.matches($0, value) })
        case .stringNotLike: return verdict(!values.contains { Wildcard.matches($0, value) })
        case .arnLike: return verdict(values.contains { Wildcard.matchesARN($0, value) })
        case .arnNotLike: return verdict(!values.contains { Wildcard.matchesARN($0, value) })
        case .bool: return verdict(values.contains { $0.lowercased() == value.lowercased() })
        case .null: return verdict(values.contains { $0.lowercased() == "false" })
        }
    }
}
