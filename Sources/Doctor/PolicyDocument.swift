import AWSCore

/// Just enough of IAM's policy language to answer "does this policy let that principal do this
/// action on that resource, from that source": the resource policies `doctor` reads (a Lambda
/// function's, a KMS key's, an SQS queue's) and a role's identity policies.
///
/// Statements are matched on Effect, Principal, Action/NotAction, Resource and the source
/// conditions (`aws:SourceArn`, `aws:SourceAccount` under the String and Arn operators). Other
/// condition keys are taken as met: doctor reports what would stop a delivery for certain, and a
/// statement it cannot judge is not named as the cause. An explicit Deny that matches wins, as in
/// IAM's evaluation logic.
public struct PolicyDocument: Sendable, Equatable {
    /// Who is asking: an IAM principal ARN, or an AWS service such as `cognito-idp.amazonaws.com`.
    public enum Principal: Sendable, Equatable {
        case aws(String)
        case service(String)
    }

    /// The request a policy is asked about.
    public struct Request: Sendable, Equatable {
        /// Who asks; nil asks an identity policy, whose principal is the role it is attached to.
        public var principal: Principal?
        /// The action, e.g. `kms:Decrypt` (compared without regard to case).
        public var action: String
        /// The resource ARN; nil when the policy's resources are not in question.
        public var resource: String?
        /// The `aws:SourceArn` of the request (the pool invoking, the topic sending).
        public var sourceArn: String?
        /// The `aws:SourceAccount` of the request.
        public var sourceAccount: String?

        /// A request; a nil principal is an identity policy's own (the role it is attached to).
        public init(principal: Principal?, action: String, resource: String? = nil, sourceArn: String? = nil, sourceAccount: String? = nil) {
            self.principal = principal
            self.action = action
            self.resource = resource
            self.sourceArn = sourceArn
            self.sourceAccount = sourceAccount
        }
    }

    /// The policy as parsed JSON.
    public var document: JSONValue

    /// Wraps a parsed policy document.
    public init(_ document: JSONValue) { self.document = document }

    /// The policy's statements (a single statement object counts as one).
    var statements: [JSONValue] {
        switch document["Statement"] {
        case let .array(statements)?: statements
        case let statement?: [statement]
        case nil: []
        }
    }

    /// True when some Allow statement matches `request` and no Deny statement does.
    public func allows(_ request: Request) -> Bool {
        let matching = statements.filter { Self.matches($0, request) }
        if matching.contains(where: { $0["Effect"]?.stringValue == "Deny" }) { return false }
        return matching.contains { $0["Effect"]?.stringValue == "Allow" }
    }

    /// True when a Deny statement matches `request`: across several policies, one Deny outweighs every Allow.
    public func denies(_ request: Request) -> Bool {
        statements.contains { $0["Effect"]?.stringValue == "Deny" && Self.matches($0, request) }
    }

    /// The principals an Allow statement for `action` names with `AWS`, for "who may" answers.
    public func awsPrincipals(allowedTo action: String) -> [String] {
        statements.filter { $0["Effect"]?.stringValue == "Allow" && Self.actionMatches($0, action) }
            .flatMap { Self.strings($0["Principal"]?["AWS"]) + ($0["Principal"]?.stringValue == "*" ? ["*"] : []) }
    }

    static func matches(_ statement: JSONValue, _ request: Request) -> Bool {
        guard actionMatches(statement, request.action) else { return false }
        if let principal = request.principal, !principalMatches(statement["Principal"], principal) { return false }
        if let resource = request.resource {
            let resources = strings(statement["Resource"])
            if !resources.isEmpty, !resources.contains(where: { Glob.matches($0, resource) }) { return false }
            if strings(statement["NotResource"]).contains(where: { Glob.matches($0, resource) }) { return false }
        }
        return conditionsHold(statement["Condition"], request)
    }

    static func actionMatches(_ statement: JSONValue, _ action: String) -> Bool {
        // IAM compares action names without regard to case.
        let wanted = action.lowercased()
        if statement["NotAction"] != nil {
            return !strings(statement["NotAction"]).contains { Glob.matches($0.lowercased(), wanted) }
        }
        return strings(statement["Action"]).contains { Glob.matches($0.lowercased(), wanted) }
    }

    static func principalMatches(_ principal: JSONValue?, _ wanted: Principal) -> Bool {
        guard let principal else { return false }
        if principal.stringValue == "*" { return true }
        switch wanted {
        case let .service(service):
            return strings(principal["Service"]).contains(service)
        case let .aws(arn):
            let names = strings(principal["AWS"])
            if names.contains("*") || names.contains(arn) { return true }
            // A role is named in policies by its role ARN, also when it acts through an
            // assumed-role session; the account (its id or its root) delegates to IAM instead,
            // which ``delegatesToAccount(of:)`` answers.
            return false
        }
    }

    /// True when an Allow statement for `action` names the account of `arn` (`arn:…:iam::ACCOUNT:root`
    /// or the bare id): the key policy leaves the decision to the principal's IAM policies.
    public func delegatesToAccount(of arn: String, action: String) -> Bool {
        guard let account = ARN(arn)?.account else { return false }
        return awsPrincipals(allowedTo: action).contains { $0 == account || ($0.hasSuffix(":root") && ARN($0)?.account == account) }
    }

    static func conditionsHold(_ condition: JSONValue?, _ request: Request) -> Bool {
        guard let operators = condition?.objectValue else { return true }
        for (op, tests) in operators {
            for (key, expected) in tests.objectValue ?? [:] {
                let value: String?
                switch key.lowercased() {
                case "aws:sourcearn": value = request.sourceArn
                case "aws:sourceaccount": value = request.sourceAccount
                default: continue
                }
                // A source this check does not know (nil) is not judged.
                guard let value else { continue }
                let patterns = strings(expected)
                let holds: Bool
                switch op {
                case "ArnEquals", "StringEquals": holds = patterns.contains(value)
                case "ArnLike", "StringLike": holds = patterns.contains { Glob.matches($0, value) }
                case "ArnNotEquals", "StringNotEquals": holds = !patterns.contains(value)
                case "ArnNotLike", "StringNotLike": holds = !patterns.contains { Glob.matches($0, value) }
                default: holds = true
                }
                if !holds { return false }
            }
        }
        return true
    }

    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case let .string(text)?: [text]
        case let .array(items)?: items.compactMap(\.stringValue)
        default: []
        }
    }
}

/// IAM's wildcards: `*` for any run of characters, `?` for one.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
