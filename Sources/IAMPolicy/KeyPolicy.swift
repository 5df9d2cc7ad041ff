import AWSCore

/// KMS's own rule for a KMS key: the key policy must allow the principal, either by naming it, or
/// by naming its account — which leaves the decision to the principal's IAM policies, one of which
/// must then allow it too. A Deny in either wins.
/// https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html
public enum KeyDecision: Sendable, Equatable, CustomStringConvertible {
    /// Allowed: by the key policy statements naming the principal, or by those naming its account
    /// and the identity statements allowing it (identity statements that also allow are listed with either).
    case allowed(by: [StatementReference])
    /// A Deny of the key policy or of an identity policy applies.
    case explicitlyDenied(by: [StatementReference])
    /// The key policy names neither the principal nor its account for this action.
    case notInKeyPolicy
    /// The key policy names the account (these statements), and no identity policy allows it.
    case leftToIAMAndNotAllowed(keyPolicy: [StatementReference])

    /// True for ``allowed(by:)``.
    public var isAllowed: Bool {
        if case .allowed = self { true } else { false }
    }

    /// The decision in words.
    public var description: String {
        switch self {
        case let .allowed(statements): "allowed by \(statements.map(\.description).joined(separator: " + "))"
        case let .explicitlyDenied(statements): "denied by \(statements.map(\.description).joined(separator: ", "))"
        case .notInKeyPolicy: "the key policy names neither the principal nor its account"
        case let .leftToIAMAndNotAllowed(statements):
            "the key policy leaves it to IAM (\(statements.map(\.description).joined(separator: ", "))) and no identity policy allows it"
        }
    }
}

extension Policy {
    /// KMS's decision for `request`, whose principal must be an IAM principal ARN (a role): the
    /// key policy, and the principal's identity policies where the key policy defers to them.
    public static func keyDecision(keyPolicy: Policy, identityPolicies: [Policy], for request: Request) throws(IAMPolicyError) -> KeyDecision {
        try keyDecision(keyPolicy, identityPolicies, request) { (policies, request) throws(IAMPolicyError) in try decision(policies, for: request) }
    }

    /// KMS's decision, conditions with an operator the engine does not model taken as met (doctor).
    public static func keyDecisionTakingUnsupportedConditionsAsMet(keyPolicy: Policy, identityPolicies: [Policy], for request: Request) -> KeyDecision {
        keyDecision(keyPolicy, identityPolicies, request) { policies, request in decisionTakingUnsupportedConditionsAsMet(policies, for: request) }
    }

    static func keyDecision<Failure: Error>(
        _ keyPolicy: Policy, _ identityPolicies: [Policy], _ request: Request, decide: ([Policy], Request) throws(Failure) -> Decision
    ) throws(Failure) -> KeyDecision {
        let direct = try decide([keyPolicy], request)
        let identity = try decide(identityPolicies, request)
        var account = Decision.implicitlyDenied
        if case let .aws(name)? = request.principal, let arn = ARN(name) {
            var asAccount = request
            asAccount.principal = .aws("arn:\(arn.partition):iam::\(arn.account):root")
            account = try decide([keyPolicy], asAccount)
        }
        let denying = [direct, identity, account].flatMap { decision -> [StatementReference] in
            if case let .explicitlyDenied(statements) = decision { statements } else { [] }
        }
        if !denying.isEmpty { return .explicitlyDenied(by: unique(denying)) }
        let identityAllowing = statements(identity)
        switch (direct, account) {
        case let (.allowed(byKey), _):
            return .allowed(by: unique(byKey + (identityAllowing.isEmpty ? [] : statements(account) + identityAllowing)))
        case let (_, .allowed(byAccount)):
            return identityAllowing.isEmpty ? .leftToIAMAndNotAllowed(keyPolicy: byAccount) : .allowed(by: unique(byAccount + identityAllowing))
        default:
            return .notInKeyPolicy
        }
    }

    private static func statements(_ decision: Decision) -> [StatementReference] {
        if case let .allowed(statements) = decision { statements } else { [] }
    }

    private static func unique(_ statements: [StatementReference]) -> [StatementReference] {
        var seen: Set<StatementReference> = []
        return statements.filter { seen.insert($0).inserted }
    }
}
