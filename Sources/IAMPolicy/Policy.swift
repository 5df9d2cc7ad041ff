import AWSCore

/// One IAM policy document, parsed: an identity policy (a role's), or a resource policy (a key's,
/// a function's, a queue's, a bucket's), whose statements name a Principal.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
public struct Policy: Sendable, Equatable {
    /// Where the policy came from ("HelperPolicy", "CodeKey key policy"), to name its statements in a decision.
    public var name: String
    /// The statements, in the document's order.
    public var statements: [Statement]

    /// A policy of the given statements.
    public init(name: String, statements: [Statement]) {
        self.name = name
        self.statements = statements
    }

    /// Parses a policy document (`{"Version": …, "Statement": [ … ]}`; a single statement object
    /// counts as one). Throws on a statement IAM itself would refuse: no Effect, or neither Action
    /// nor NotAction.
    public init(name: String = "policy", document: JSONValue) throws(IAMPolicyError) {
        let list: [JSONValue]
        switch document["Statement"] {
        case let .array(items)?: list = items
        case let item?: list = [item]
        case nil: throw .malformed(policy: name, "no Statement")
        }
        var statements: [Statement] = []
        for (index, element) in list.enumerated() {
            statements.append(try Statement(element, reference: StatementReference(policy: name, sid: element["Sid"]?.stringValue, index: index)))
        }
        self.init(name: name, statements: statements)
    }
}

/// A statement's place, for a decision to name: its policy and its Sid (or its position).
public struct StatementReference: Sendable, Hashable, CustomStringConvertible {
    /// The name of the policy the statement is in.
    public var policy: String
    /// The statement's Sid, if it has one.
    public var sid: String?
    /// The statement's position in its policy, from 0.
    public var index: Int

    /// A reference to statement `index` (Sid `sid`) of `policy`.
    public init(policy: String, sid: String?, index: Int) {
        self.policy = policy
        self.sid = sid
        self.index = index
    }

    /// "Policy/Sid", or "Policy/#index" for a statement without a Sid.
    public var description: String { "\(policy)/\(sid ?? "#\(index)")" }
}

/// Why a policy cannot be evaluated.
public enum IAMPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The document is not a policy IAM would accept.
    case malformed(policy: String, String)
    /// A condition operator this engine does not model, met where the caller asked for IAM's own
    /// answer (``Policy/decision(for:)``) rather than one that takes what it cannot judge as met.
    case unsupportedConditionOperator(String, in: StatementReference)

    /// The reason, in words.
    public var description: String {
        switch self {
        case let .malformed(policy, reason): "the policy \(policy) is malformed: \(reason)"
        case let .unsupportedConditionOperator(op, statement): "the condition operator \(op) (in \(statement)) is not modelled"
        }
    }
}

/// One statement of a policy.
public struct Statement: Sendable, Equatable {
    /// Allow or Deny.
    public enum Effect: String, Sendable, Equatable {
        /// The statement grants what it matches.
        case allow = "Allow"
        /// The statement refuses what it matches, whatever else allows it.
        case deny = "Deny"
    }

    /// A list of patterns, or every value but those of the list (`NotAction`, `NotResource`, `NotPrincipal`).
    public enum Patterns: Sendable, Equatable {
        /// The element lists what the statement applies to.
        case only([String])
        /// The `Not…` element lists what the statement does not apply to.
        case allBut([String])
    }

    /// Where the statement is.
    public var reference: StatementReference
    /// The statement's effect.
    public var effect: Effect
    /// The principals it names (resource policies); nil in an identity policy, which has none.
    public var principals: PrincipalPatterns?
    /// `Action` or `NotAction`.
    public var actions: Patterns
    /// `Resource` or `NotResource`; nil when the statement has neither (a trust policy), so applies to any resource.
    public var resources: Patterns?
    /// The `Condition` block, one entry per operator and key.
    public var conditions: [Condition]

    /// A statement built in code.
    public init(
        reference: StatementReference, effect: Effect, principals: PrincipalPatterns? = nil, actions: Patterns, resources: Patterns?,
        conditions: [Condition] = []
    ) {
        self.reference = reference
        self.effect = effect
        self.principals = principals
        self.actions = actions
        self.resources = resources
        self.conditions = conditions
    }

    init(_ json: JSONValue, reference: StatementReference) throws(IAMPolicyError) {
        func fail(_ reason: String) -> IAMPolicyError { .malformed(policy: reference.policy, "statement \(reference): \(reason)") }
        guard let effectName = json["Effect"]?.stringValue, let effect = Effect(rawValue: effectName) else { throw fail("Effect is not Allow or Deny") }
        for (element, negated) in [("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")]
        where json[element] != nil && json[negated] != nil {
            throw fail("both \(element) and \(negated)")
        }
        let actions: Patterns
        if let listed = json["Action"] {
            actions = .only(Self.strings(listed))
        } else if let listed = json["NotAction"] {
            actions = .allBut(Self.strings(listed))
        } else {
            throw fail("neither Action nor NotAction")
        }
        var resources: Patterns?
        if let listed = json["Resource"] {
            resources = .only(Self.strings(listed))
        } else if let listed = json["NotResource"] {
            resources = .allBut(Self.strings(listed))
        }
        var principals: PrincipalPatterns?
        if let listed = json["Principal"] {
            principals = PrincipalPatterns(listed, negated: false)
        } else if let listed = json["NotPrincipal"] {
            principals = PrincipalPatterns(listed, negated: true)
        }
        var conditions: [Condition] = []
        for (op, clause) in (json["Condition"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let keys = clause.objectValue else { throw fail("the condition \(op) is not an object of keys") }
            for (key, values) in keys.sorted(by: { $0.key < $1.key }) {
                conditions.append(Condition(operator: ConditionOperator(op), key: key, values: Self.strings(values)))
            }
        }
        self.init(reference: reference, effect: effect, principals: principals, actions: actions, resources: resources, conditions: conditions)
    }

    /// A policy element's values: one string or a list; booleans and numbers (condition values) as
    /// IAM reads them, as text.
    static func strings(_ value: JSONValue) -> [String] {
        switch value {
        case let .array(items): items.flatMap(strings)
        case let .string(text): [text]
        case let .bool(flag): [flag ? "true" : "false"]
        case let .integer(number): [String(number)]
        case let .double(number): [String(number)]
        default: []
        }
    }

    /// Whether the statement's Action/NotAction takes in `action` (ignoring case, as IAM does).
    public func appliesTo(action: String) -> Bool {
        switch actions {
        case let .only(patterns): patterns.contains { Wildcard.matchesAction($0, action) }
        case let .allBut(patterns): !patterns.contains { Wildcard.matchesAction($0, action) }
        }
    }

    /// Whether the statement's Resource/NotResource takes in `resource` (case-sensitively).
    public func appliesTo(resource: String) -> Bool {
        switch resources {
        case nil: true
        case let .only(patterns)?: patterns.contains { Wildcard.matches($0, resource) }
        case let .allBut(patterns)?: !patterns.contains { Wildcard.matches($0, resource) }
        }
    }
}

/// Who asks: a principal as a resource policy's `Principal` element names it.
public enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// An IAM principal by ARN (a role, a user, an account's `…:root`), or an account by its id.
    case aws(String)
    /// An AWS service, e.g. `cognito-idp.amazonaws.com`.
    case service(String)

    /// The principal as a policy would write it.
    public var description: String {
        switch self {
        case let .aws(name): "AWS \(name)"
        case let .service(name): "Service \(name)"
        }
    }

    /// The account id, for an account principal (`123456789012` or `arn:…:iam::123456789012:root`).
    var account: String? {
        guard case let .aws(name) = self else { return nil }
        if name.utf8.count == 12, name.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) { return name }
        guard let arn = ARN(name), arn.service == "iam", arn.resource == "root" else { return nil }
        return arn.account
    }
}

/// A statement's `Principal` (or `NotPrincipal`) element.
public struct PrincipalPatterns: Sendable, Equatable {
    /// `"*"`, or `{"AWS": "*"}`: anyone.
    public var everyone: Bool
    /// The principals named.
    public var named: [Principal]
    /// True for `NotPrincipal`: the statement applies to everyone but those named.
    public var negated: Bool

    /// A principal element built in code.
    public init(everyone: Bool = false, named: [Principal] = [], negated: Bool = false) {
        self.everyone = everyone
        self.named = named
        self.negated = negated
    }

    init(_ json: JSONValue, negated: Bool) {
        var everyone = json.stringValue == "*"
        var named: [Principal] = []
        for (type, values) in json.objectValue ?? [:] {
            for value in Statement.strings(values) {
                switch type {
                case "AWS" where value == "*": everyone = true
                case "AWS": named.append(.aws(value))
                case "Service": named.append(.service(value))
                // Federated and canonical-user principals never ask in this project: named, they match nobody here.
                default: break
                }
            }
        }
        self.init(everyone: everyone, named: named, negated: negated)
    }

    /// Whether the element takes in `principal`. An account is one principal whether written as its
    /// id or as its root ARN (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts).
    public func contains(_ principal: Principal) -> Bool {
        let listed = everyone || named.contains { $0 == principal || ($0.account != nil && $0.account == principal.account) }
        return negated ? !listed : listed
    }
}
