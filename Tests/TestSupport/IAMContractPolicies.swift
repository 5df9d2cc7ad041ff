import AWSCore
import Foundation
import IAMPolicy

/// The IAM contract, part 3 and 4: a template's policies resolved for a test stack, evaluated
/// against the authorizations the recorded calls need, both ways (needed ⊆ allowed, and every
/// Allow used).
extension IAMContract {
    // MARK: (c) A template, resolved for a test stack

    /// The stack a template is evaluated as: names, parameters, and the physical ids of the resources
    /// a test run stood in for (a moto key, function, layer…). A resource not bound gets a made-up id.
    public struct Stack: Sendable {
        public var name: String
        public var place: Place
        public var parameters: [String: String]
        /// Ref of a logical id.
        public var refs: [String: String]
        /// GetAtt, as "LogicalId.Attribute".
        public var attributes: [String: String]

        public init(
            name: String = "sms-redirect-iam", place: Place = Place(), parameters: [String: String] = [:],
            refs: [String: String] = [:], attributes: [String: String] = [:]
        ) {
            self.name = name
            self.place = place
            self.parameters = parameters
            self.refs = refs
            self.attributes = attributes
        }
    }

    /// A template's policies, resolved, each named after where it came from ("HelperPolicy",
    /// "HelperRole.Attach", "CodeKey key policy"), so that a decision names "HelperPolicy/ReadAndUpdateThePool".
    public struct Policies: Sendable {
        /// Role ARN → its identity policies (AWS::IAM::Policy and the role's inline Policies).
        public var identity: [String: [Policy]] = [:]
        /// Key ARN → its key policy.
        public var keys: [String: Policy] = [:]
        /// Bucket name → its bucket policy (only its Denies matter here: same-account Allows are in identity).
        public var buckets: [String: Policy] = [:]
        /// Topic ARN → key ARN, for the topics the template encrypts.
        public var topicKeys: [String: String] = [:]
        /// Logical id → resolved ARN, for the two roles.
        public var roles: [String: String] = [:]
        /// The resolved resources (for callers that want a property).
        public var resources: [String: JSONValue] = [:]
    }

    public static func policies(templateFile: String, stack: Stack) throws -> Policies {
        let template = try JSONValue(data: Data(contentsOf: URL(fileURLWithPath: templateFile)))
        let resolver = CloudFormationResolver(template: template, stack: stack)
        var policies = Policies()
        for (id, resource) in (template["Resources"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let condition = resource["Condition"]?.stringValue, try !resolver.condition(condition) { continue }
            guard let properties = try resolver.resolve(resource["Properties"] ?? .object([:])) else { continue }
            policies.resources[id] = properties
            func policy(_ document: JSONValue?, _ source: String) throws -> Policy {
                do { return try Policy(name: source, document: document ?? .object([:])) } catch { throw Unusable(error.description) }
            }
            switch resource["Type"]?.stringValue {
            case "AWS::IAM::Role":
                let arn = try resolver.getAtt(id, "Arn")
                policies.roles[id] = arn
                for inline in properties["Policies"]?.arrayValue ?? [] {
                    policies.identity[arn, default: []].append(try policy(inline["PolicyDocument"], "\(id).\(inline["PolicyName"]?.stringValue ?? "")"))
                }
            case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
                for role in strings(properties["Roles"]) {
                    guard let roleId = (template["Resources"]?.objectValue ?? [:]).first(where: { (try? resolver.ref($0.key)) == role })?.key else { continue }
                    policies.identity[try resolver.getAtt(roleId, "Arn"), default: []].append(try policy(properties["PolicyDocument"], id))
                }
            case "AWS::KMS::Key":
                policies.keys[try resolver.getAtt(id, "Arn")] = try policy(properties["KeyPolicy"], "\(id) key policy")
            case "AWS::S3::BucketPolicy":
                if let bucket = properties["Bucket"]?.stringValue { policies.buckets[bucket] = try policy(properties["PolicyDocument"], id) }
            case "AWS::SNS::Topic":
                if let key = properties["KmsMasterKeyId"]?.stringValue { policies.topicKeys[try resolver.ref(id)] = key }
            default: break
            }
        }
        return policies
    }

    // MARK: Evaluation

    static func strings(_ value: JSONValue?) -> [String] {
        guard let value else { return [] }
        if let list = value.arrayValue { return list.compactMap(\.stringValue) }
        return value.stringValue.map { [$0] } ?? []
    }

    /// What IAM decides for one need: from the role's identity policies (and a bucket policy's
    /// Denies), or for a KMS key by KMS's own rule of key policy and identity policies.
    public enum Verdict: Sendable, CustomStringConvertible {
        /// Any action but a KMS one.
        case identity(Decision)
        /// A KMS action on a key.
        case key(KeyDecision)

        /// Whether the need is allowed.
        public var allowed: Bool {
            switch self {
            case let .identity(decision): decision.isAllowed
            case let .key(decision): decision.isAllowed
            }
        }

        /// The statements that allow it (empty when it is not allowed).
        public var allowedBy: [StatementReference] {
            switch self {
            case let .identity(.allowed(statements)), let .key(.allowed(statements)): statements
            default: []
            }
        }

        /// The decision in words.
        public var description: String {
            switch self {
            case let .identity(decision): decision.description
            case let .key(decision): decision.description
            }
        }
    }

    /// IAM policy evaluation for one need of `role`, in the template's account.
    public static func decide(_ need: Need, role: String, policies: Policies) throws -> Verdict {
        let request = Request(principal: .aws(role), action: need.action, resource: need.resource, context: need.context)
        let identity = policies.identity[role] ?? []
        if need.action.lowercased().hasPrefix("kms:") {
            // A key the template doesn't own: no key policy of its allows it.
            guard let keyPolicy = policies.keys[need.resource] else { return .key(.notInKeyPolicy) }
            return .key(try Policy.keyDecision(keyPolicy: keyPolicy, identityPolicies: identity, for: request))
        }
        var bucketDenies: [Policy] = []
        if need.action.lowercased().hasPrefix("s3:"), let bucket = need.resource.split(separator: ":").last?.split(separator: "/").first,
            let bucketPolicy = policies.buckets[String(bucket)]
        {
            // Its Allows are left out: the contract holds the role's own policies to what the Lambdas call.
            bucketDenies.append(Policy(name: bucketPolicy.name, statements: bucketPolicy.statements.filter { $0.effect == .deny }))
        }
        return .identity(try Policy.decision(identity + bucketDenies, for: request))
    }

    // MARK: (d) The check

    /// One line of the contract's table.
    public struct Row: Sendable, CustomStringConvertible {
        public var lambda: String
        public var call: String
        public var need: Need
        public var decision: Verdict
        public var description: String {
            "\(lambda): \(call) → \(need.action) on \(need.resource) → "
                + (decision.allowed ? decision.allowedBy.map(\.description).joined(separator: " + ") : "NOT ALLOWED (\(decision))")
        }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var template: String
        public var variant: String
        public var rows: [Row]
        /// "statement: action" pairs the principals' policies allow and no call used.
        public var unused: [String]
        public var notAllowed: [Row] { rows.filter { !$0.decision.allowed } }
        public var failures: [String] {
            notAllowed.map { "needed and not allowed — \($0.lambda) \($0.call): \($0.need) [\($0.need.because)]" }
                + unused.map { "allowed and never used — \($0)" }
        }
        public var passed: Bool { failures.isEmpty }
        public var description: String {
            (["\(template) [\(variant)]"] + (passed ? rows.map { "  \($0)" } : failures.map { "  \($0)" })).joined(separator: "\n")
        }
    }

    /// The contract for one template and one stack: the calls the sender and the helper made (told
    /// apart by access key id) against the policies of SenderRole and HelperRole. Throws when the
    /// recording is missing or holds no call of either Lambda.
    public static func check(
        recordingFile: String?, senderAccessKeyId: String, helperAccessKeyId: String, templateFile: String, stack: Stack,
        senderFunctionName: String, helperFunctionName: String, senderOnFailureDestination: String? = nil, variant: String = "",
        senderRole: String = "SenderRole", helperRole: String = "HelperRole"
    ) throws -> Report {
        guard let recordingFile, !recordingFile.isEmpty else {
            throw Unusable("MOTO_RECORDING_FILE is not set: run under scripts/with-moto.sh (make test does), which records the calls")
        }
        let all = try calls(recordingFile: recordingFile)
        var policies = try policies(templateFile: templateFile, stack: stack)
        var place = stack.place
        place.topicKeys = policies.topicKeys
        policies.topicKeys = place.topicKeys
        var rows: [Row] = []
        var used: Set<String> = []
        for (lambda, keyId, roleId, functionName, destination) in [
            ("sender", senderAccessKeyId, senderRole, senderFunctionName, senderOnFailureDestination),
            ("helper", helperAccessKeyId, helperRole, helperFunctionName, nil),
        ] {
            let made = all.filter { $0.accessKeyId == keyId }
            guard !made.isEmpty else {
                throw Unusable(
                    "the recording \(recordingFile) has no call signed with \(keyId) (the \(lambda)): did it run with AWS_ACCESS_KEY_ID=\(keyId) against AWS_ENDPOINT_URL?"
                )
            }
            guard let role = policies.roles[roleId] else { throw Unusable("\(templateFile) has no role \(roleId)") }
            var seen: Set<String> = []
            var pairs: [(String, Need)] = runtimeNeeds(functionName: functionName, place: place, onFailureDestination: destination).map { ("(runtime)", $0) }
            for call in made { for need in try needs(call, place: place) { pairs.append((call.description, need)) } }
            for (callText, need) in pairs {
                let decision = try decide(need, role: role, policies: policies)
                for statement in decision.allowedBy { used.insert("\(statement): \(need.action.lowercased())") }
                let key = "\(need.action) \(need.resource) \(decision.allowed)"
                if seen.insert(key).inserted || !decision.allowed {
                    rows.append(Row(lambda: lambda, call: callText, need: need, decision: decision))
                }
            }
        }
        // Every Allow of the two roles' identity policies, and every key-policy Allow naming either role.
        var unused: [String] = []
        let roleArns = [senderRole, helperRole].compactMap { policies.roles[$0] }
        var statements = roleArns.flatMap { policies.identity[$0] ?? [] }.flatMap(\.statements)
        for (_, keyPolicy) in policies.keys.sorted(by: { $0.key < $1.key }) {
            statements += keyPolicy.statements.filter { statement in
                roleArns.contains { statement.principals?.named.contains(.aws($0)) == true }
            }
        }
        for statement in statements where statement.effect == .allow {
            let name = statement.reference.description
            let usedActions = used.filter { $0.hasPrefix("\(name): ") }.map { String($0.dropFirst(name.count + 2)) }
            switch statement.actions {
            case let .only(patterns):
                for pattern in patterns where !usedActions.contains(where: { Wildcard.matchesAction(pattern, $0) }) {
                    unused.append("\(name): \(pattern)")
                }
            case let .allBut(patterns):
                if usedActions.isEmpty { unused.append("\(name): NotAction \(patterns)") }
            }
        }
        return Report(template: URL(fileURLWithPath: templateFile).lastPathComponent, variant: variant, rows: rows, unused: unused)
    }
}
