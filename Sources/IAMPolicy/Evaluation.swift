/// The request a policy is asked about: who, which action, on which resource, in which context.
public struct Request: Sendable, Equatable {
    /// How a condition on a key the context lacks is read.
    public enum OtherKeys: Sendable, Equatable {
        /// As IAM reads it: the request has no such key (the test fails, unless it is `…IfExists`,
        /// a negated operator, or `Null`).
        case absent
        /// The caller does not know the request's other keys: a test on one is taken as met. For a
        /// reader of deployed policies that reports only what it can judge (doctor).
        case unknown
    }

    /// Who asks; nil asks an identity policy, whose principal is the identity it is attached to
    /// (its statements have no Principal). A statement without Principal applies to any asker.
    public var principal: Principal?
    /// The action, e.g. `kms:Decrypt`.
    public var action: String
    /// The resource ARN (or `*`).
    public var resource: String
    /// The request context: condition key → value. Keys compare without regard to case.
    public private(set) var context: [String: String]
    /// How a condition on a key not in `context` is read.
    public var otherKeys: OtherKeys

    /// A request; `context` keys as IAM writes them (`aws:SourceArn`), any case.
    public init(principal: Principal? = nil, action: String, resource: String, context: [String: String] = [:], otherKeys: OtherKeys = .absent) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = Dictionary(context.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        self.otherKeys = otherKeys
    }
}

/// The outcome of IAM's evaluation logic for one request
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
/// a matching Deny wins over every Allow; without one, a matching Allow allows; without either,
/// the request is denied by default.
public enum Decision: Sendable, Equatable, CustomStringConvertible {
    /// Allowed by these statements, and denied by none.
    case allowed(by: [StatementReference])
    /// Denied by these statements, whatever allows it.
    case explicitlyDenied(by: [StatementReference])
    /// No statement allows it.
    case implicitlyDenied

    /// True for ``allowed(by:)``.
    public var isAllowed: Bool {
        if case .allowed = self { true } else { false }
    }

    /// The decision in words: "allowed by P/Sid", "denied by P/Sid", "not allowed by any statement".
    public var description: String {
        switch self {
        case let .allowed(statements): "allowed by \(statements.map(\.description).joined(separator: ", "))"
        case let .explicitlyDenied(statements): "denied by \(statements.map(\.description).joined(separator: ", "))"
        case .implicitlyDenied: "not allowed by any statement"
        }
    }
}

extension Policy {
    /// IAM's decision on `request` from this policy alone. Throws on a condition operator the
    /// engine does not model in a statement that would otherwise apply, rather than guessing.
    public func decision(for request: Request) throws(IAMPolicyError) -> Decision {
        try Self.decision([self], for: request)
    }

    /// IAM's decision on `request` from several policies together (a role's identity policies, or
    /// those and a resource policy of the same account): any Deny wins, any Allow allows.
    public static func decision(_ policies: [Policy], for request: Request) throws(IAMPolicyError) -> Decision {
        try evaluate(policies, request) { (condition, statement) throws(IAMPolicyError) in
            throw .unsupportedConditionOperator(condition.operator.name, in: statement)
        }
    }

    /// The decision, a condition with an operator the engine does not model taken as met: for
    /// a reader of deployed policies that names only what it can judge as the cause (doctor).
    public func decisionTakingUnsupportedConditionsAsMet(for request: Request) -> Decision {
        Self.decisionTakingUnsupportedConditionsAsMet([self], for: request)
    }

    /// Several policies' decision together, a condition the engine does not model taken as met.
    public static func decisionTakingUnsupportedConditionsAsMet(_ policies: [Policy], for request: Request) -> Decision {
        evaluate(policies, request) { _, _ in true }
    }

    /// The evaluation, with what to make of a condition the engine cannot read.
    static func evaluate<Failure: Error>(
        _ policies: [Policy], _ request: Request, unsupported: (Condition, StatementReference) throws(Failure) -> Bool
    ) throws(Failure) -> Decision {
        var allowing: [StatementReference] = [], denying: [StatementReference] = []
        for statement in policies.flatMap(\.statements) {
            guard statement.appliesTo(action: request.action), statement.appliesTo(resource: request.resource) else { continue }
            if let asker = request.principal, let principals = statement.principals, !principals.contains(asker) { continue }
            // Every test must hold. One that fails settles it; only then does a test the engine
            // cannot read matter (so a statement that does not apply never throws).
            let readings = statement.conditions.map { ($0, $0.reading(request.context, otherKeys: request.otherKeys)) }
            if readings.contains(where: { $0.1 == .fails }) { continue }
            var met = true
            for (condition, reading) in readings where reading == .unsupported && met {
                met = try unsupported(condition, statement.reference)
            }
            guard met else { continue }
            switch statement.effect {
            case .allow: allowing.append(statement.reference)
            case .deny: denying.append(statement.reference)
            }
        }
        if !denying.isEmpty { return .explicitlyDenied(by: denying) }
        return allowing.isEmpty ? .implicitlyDenied : .allowed(by: allowing)
    }
}
