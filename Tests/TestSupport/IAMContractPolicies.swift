import AWSCore
import Foundation

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

    /// One policy statement with where it came from ("HelperPolicy/ReadAndUpdateThePool").
    public struct Statement: Sendable {
        public var source: String
        public var document: JSONValue
        public var sid: String { document["Sid"]?.stringValue ?? "#" }
        public var name: String { "\(source)/\(sid)" }
        var effect: String { document["Effect"]?.stringValue ?? "" }
        var actions: [String] { strings(document["Action"]) }
        var resources: [String] { strings(document["Resource"]) }
    }

    /// A template's policies, resolved.
    public struct Policies: Sendable {
        /// Role ARN → its identity statements (AWS::IAM::Policy and the role's inline Policies).
        public var identity: [String: [Statement]] = [:]
        /// Key ARN → its key policy.
        public var keys: [String: [Statement]] = [:]
        /// Bucket name → its bucket policy (only its Denies matter here: same-account Allows are in identity).
        public var buckets: [String: [Statement]] = [:]
        /// Topic ARN → key ARN, for the topics the template encrypts.
        public var topicKeys: [String: String] = [:]
        /// Logical id → resolved ARN, for the two roles.
        public var roles: [String: String] = [:]
        /// The resolved resources (for callers that want a property).
        public var resources: [String: JSONValue] = [:]
    }

    public static func policies(templateFile: String, stack: Stack) throws -> Policies {
        let template = try JSONValue(data: Data(contentsOf: URL(fileURLWithPath: templateFile)))
        let resolver = Resolver(template: template, stack: stack)
        var policies = Policies()
        for (id, resource) in (template["Resources"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let condition = resource["Condition"]?.stringValue, try !resolver.condition(condition) { continue }
            guard let properties = try resolver.resolve(resource["Properties"] ?? .object([:])) else { continue }
            policies.resources[id] = properties
            func statements(_ document: JSONValue?, _ source: String) -> [Statement] {
                let list = document?["Statement"]
                return (list?.arrayValue ?? list.map { [$0] } ?? []).map { Statement(source: source, document: $0) }
            }
            switch resource["Type"]?.stringValue {
            case "AWS::IAM::Role":
                let arn = try resolver.getAtt(id, "Arn")
                policies.roles[id] = arn
                for policy in properties["Policies"]?.arrayValue ?? [] {
                    policies.identity[arn, default: []] += statements(policy["PolicyDocument"], "\(id).\(policy["PolicyName"]?.stringValue ?? "")")
                }
            case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
                for role in strings(properties["Roles"]) {
                    guard let roleId = (template["Resources"]?.objectValue ?? [:]).first(where: { (try? resolver.ref($0.key)) == role })?.key else { continue }
                    policies.identity[try resolver.getAtt(roleId, "Arn"), default: []] += statements(properties["PolicyDocument"], id)
                }
            case "AWS::KMS::Key":
                policies.keys[try resolver.getAtt(id, "Arn")] = statements(properties["KeyPolicy"], "\(id) key policy")
            case "AWS::S3::BucketPolicy":
                if let bucket = properties["Bucket"]?.stringValue { policies.buckets[bucket] = statements(properties["PolicyDocument"], id) }
            case "AWS::SNS::Topic":
                if let key = properties["KmsMasterKeyId"]?.stringValue { policies.topicKeys[try resolver.ref(id)] = key }
            default: break
            }
        }
        return policies
    }

    /// Ref, GetAtt, Sub, Select, Split, Join, If, Equals, Not, And, Or, Condition, for one stack.
    struct Resolver {
        let template: JSONValue
        let stack: Stack

        init(template: JSONValue, stack: Stack) {
            self.template = template
            self.stack = stack
        }

        var resources: [String: JSONValue] { template["Resources"]?.objectValue ?? [:] }
        var place: Place { stack.place }

        func parameter(_ name: String) throws -> String? {
            if let value = stack.parameters[name] { return value }
            guard let declared = template["Parameters"][name] else { return nil }
            if let value = declared["Default"]?.stringValue { return value }
            if let value = declared["Default"]?.intValue { return String(value) }
            throw Unusable("parameter \(name) has no default: give it in the Stack")
        }

        func ref(_ name: String) throws -> String {
            switch name {
            case "AWS::AccountId": return place.account
            case "AWS::Region": return place.region
            case "AWS::Partition": return place.partition
            case "AWS::StackName": return stack.name
            case "AWS::StackId":
                return "arn:\(place.partition):cloudformation:\(place.region):\(place.account):stack/\(stack.name)/00000000-0000-4000-8000-000000000000"
            case "AWS::URLSuffix": return "amazonaws.com"
            default: break
            }
            if let value = try parameter(name) { return value }
            if let value = stack.refs[name] { return value }
            guard let resource = resources[name] else { throw Unusable("Ref \(name): no such parameter or resource") }
            let made = "\(stack.name)-\(name)-TEST"
            switch resource["Type"]?.stringValue {
            case "AWS::KMS::Key": return "00000000-0000-4000-8000-\(String(format: "%012d", name.utf8.reduce(0) { ($0 * 31 + Int($1)) % 1_000_000_000_000 }))"
            case "AWS::SNS::Topic": return place.arn("sns", made)
            case "AWS::SQS::Queue": return "https://sqs.\(place.region).amazonaws.com/\(place.account)/\(made)"
            case "AWS::Lambda::LayerVersion": return place.arn("lambda", "layer:\(made):1")
            case "AWS::Cognito::UserPool": return "\(place.region)_TEST\(name.count)"
            case "AWS::S3::Bucket": return made.lowercased()
            case "AWS::Logs::LogGroup":
                return try resolve(resource["Properties"]["LogGroupName"] ?? .string(made))?.stringValue ?? made
            default: return made
            }
        }

        func getAtt(_ name: String, _ attribute: String) throws -> String {
            if let value = stack.attributes["\(name).\(attribute)"] { return value }
            guard let resource = resources[name] else { throw Unusable("GetAtt \(name).\(attribute): no such resource") }
            let ref = try ref(name)
            switch (resource["Type"]?.stringValue, attribute) {
            case ("AWS::IAM::Role", "Arn"): return "arn:\(place.partition):iam::\(place.account):role/\(ref)"
            case ("AWS::KMS::Key", "Arn"): return place.arn("kms", "key/\(ref)")
            case ("AWS::Lambda::Function", "Arn"): return place.functionArn(ref)
            case ("AWS::Logs::LogGroup", "Arn"): return place.arn("logs", "log-group:\(ref):*")
            case ("AWS::S3::Bucket", "Arn"): return "arn:\(place.partition):s3:::\(ref)"
            case ("AWS::SQS::Queue", "Arn"): return place.arn("sqs", String(ref.split(separator: "/").last ?? ""))
            case ("AWS::SNS::Topic", "TopicArn"): return ref
            case ("AWS::Cognito::UserPool", "Arn"): return place.arn("cognito-idp", "userpool/\(ref)")
            default: throw Unusable("GetAtt \(name).\(attribute) is not modelled: bind it in the Stack")
            }
        }

        func condition(_ name: String) throws -> Bool {
            guard let definition = template["Conditions"][name] else { throw Unusable("no condition \(name)") }
            return try truth(definition)
        }

        func truth(_ value: JSONValue) throws -> Bool {
            if let name = value["Condition"]?.stringValue { return try condition(name) }
            if let pair = value["Fn::Equals"]?.arrayValue, pair.count == 2 {
                return try resolve(pair[0]) == resolve(pair[1])
            }
            if let list = value["Fn::Not"]?.arrayValue, list.count == 1 { return try !truth(list[0]) }
            if let list = value["Fn::And"]?.arrayValue { return try list.allSatisfy { try truth($0) } }
            if let list = value["Fn::Or"]?.arrayValue { return try list.contains { try truth($0) } }
            throw Unusable("condition \(value.jsonString) is not modelled")
        }

        /// The value with every intrinsic function applied; nil for AWS::NoValue.
        func resolve(_ value: JSONValue) throws -> JSONValue? {
            switch value {
            case let .array(elements):
                return .array(try elements.compactMap { try resolve($0) })
            case let .object(members) where members.count == 1:
                let (function, argument) = members.first!
                switch function {
                case "Ref":
                    let name = argument.stringValue ?? ""
                    return name == "AWS::NoValue" ? nil : .string(try ref(name))
                case "Fn::GetAtt":
                    let parts =
                        argument.arrayValue?.compactMap(\.stringValue) ?? (argument.stringValue?.split(separator: ".", maxSplits: 1).map(String.init) ?? [])
                    guard parts.count == 2 else { throw Unusable("GetAtt \(argument.jsonString)") }
                    return .string(try getAtt(parts[0], parts[1]))
                case "Fn::Sub":
                    var text = argument.stringValue ?? argument.arrayValue?.first?.stringValue ?? ""
                    var variables: [String: String] = [:]
                    for (name, variable) in argument.arrayValue?.dropFirst().first?.objectValue ?? [:] {
                        variables[name] = try resolve(variable)?.stringValue ?? ""
                    }
                    var output = ""
                    while let open = text.range(of: "${") {
                        output += text[..<open.lowerBound]
                        guard let close = text[open.upperBound...].firstIndex(of: "}") else { break }
                        let name = String(text[open.upperBound..<close])
                        if let variable = variables[name] {
                            output += variable
                        } else if name.contains(".") && !name.hasPrefix("AWS::") {
                            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                            output += try getAtt(parts[0], parts[1])
                        } else {
                            output += try ref(name)
                        }
                        text = String(text[text.index(after: close)...])
                    }
                    return .string(output + text)
                case "Fn::Select":
                    guard let list = argument.arrayValue, list.count == 2,
                        let index = try resolve(list[0]).flatMap({ $0.intValue ?? $0.stringValue.flatMap { Int($0) } }),
                        let items = try resolve(list[1])?.arrayValue, items.indices.contains(index)
                    else { throw Unusable("Select \(argument.jsonString)") }
                    return items[index]
                case "Fn::Split":
                    guard let list = argument.arrayValue, list.count == 2, let separator = list[0].stringValue, let text = try resolve(list[1])?.stringValue
                    else {
                        throw Unusable("Split \(argument.jsonString)")
                    }
                    return .array(text.components(separatedBy: separator).map { .string($0) })
                case "Fn::Join":
                    guard let list = argument.arrayValue, list.count == 2, let separator = list[0].stringValue, let items = try resolve(list[1])?.arrayValue
                    else {
                        throw Unusable("Join \(argument.jsonString)")
                    }
                    return .string(items.compactMap(\.stringValue).joined(separator: separator))
                case "Fn::If":
                    guard let list = argument.arrayValue, list.count == 3, let name = list[0].stringValue else { throw Unusable("If \(argument.jsonString)") }
                    return try resolve(try condition(name) ? list[1] : list[2])
                default:
                    return .object([function: try resolve(argument) ?? .null])
                }
            case let .object(members):
                var resolved: [String: JSONValue] = [:]
                for (key, member) in members { if let value = try resolve(member) { resolved[key] = value } }
                return .object(resolved)
            default:
                return value
            }
        }
    }

    // MARK: Evaluation

    /// IAM's wildcard match (* and ?); actions case-insensitively, ARNs as written.
    static func wildcard(_ pattern: String, _ value: String, caseInsensitive: Bool = false) -> Bool {
        var regex = "^"
        for character in (caseInsensitive ? pattern.lowercased() : pattern) {
            switch character {
            case "*": regex += ".*"
            case "?": regex += "."
            default: regex += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return (caseInsensitive ? value.lowercased() : value).range(of: regex + "$", options: .regularExpression) != nil
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard let value else { return [] }
        if let list = value.arrayValue { return list.compactMap { $0.stringValue ?? $0.boolValue.map { String($0) } } }
        return value.stringValue.map { [$0] } ?? value.boolValue.map { [String($0)] } ?? []
    }

    /// The statement's Condition block against the request context (every operator must hold).
    static func conditionsHold(_ condition: JSONValue?, _ context: [String: String]) throws -> Bool {
        for (op, clause) in condition?.objectValue ?? [:] {
            for (key, expected) in clause.objectValue ?? [:] {
                let wanted = strings(expected)
                guard let actual = context[key] else {
                    if op.hasSuffix("IfExists") { continue }
                    return false
                }
                let base = op.replacingOccurrences(of: "IfExists", with: "")
                let holds: Bool =
                    switch base {
                    case "StringEquals", "ArnEquals": wanted.contains(actual)
                    case "StringEqualsIgnoreCase": wanted.contains { $0.lowercased() == actual.lowercased() }
                    case "StringLike", "ArnLike": wanted.contains { wildcard($0, actual) }
                    case "StringNotEquals": !wanted.contains(actual)
                    case "Bool": wanted.contains { $0.lowercased() == actual.lowercased() }
                    default: throw Unusable("condition operator \(op) is not modelled")
                    }
                if !holds { return false }
            }
        }
        return true
    }

    static func matches(_ statement: Statement, action: String, resource: String, context: [String: String], principal: String? = nil, account: String) throws
        -> Bool
    {
        guard statement.actions.contains(where: { wildcard($0, action, caseInsensitive: true) }) else { return false }
        guard statement.resources.contains(where: { wildcard($0, resource) }) else { return false }
        if let principal {
            let listed = statement.document["Principal"]
            let aws = listed?.stringValue.map { [$0] } ?? strings(listed?["AWS"])
            guard aws.contains(where: { $0 == "*" || $0 == principal }) else { return false }
        }
        return try conditionsHold(statement.document["Condition"], context)
    }

    /// Who is allowed what, for one need: the statements that allow it (empty: denied), or a Deny.
    public struct Decision: Sendable {
        public var allowedBy: [String]
        public var deniedBy: [String]
        /// Statement name → the actions of it this need used.
        var used: [String: String]
        public var allowed: Bool { !allowedBy.isEmpty && deniedBy.isEmpty }
    }

    /// IAM policy evaluation for one principal in the template's account. A KMS action on a key is
    /// allowed when the key policy allows the principal directly, or allows the account (root) and an
    /// identity policy allows it: https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html
    public static func decide(_ need: Need, role: String, policies: Policies, place: Place) throws -> Decision {
        var decision = Decision(allowedBy: [], deniedBy: [], used: [:])
        let identity = policies.identity[role] ?? []
        var resourcePolicy: [Statement] = []
        if need.action.hasPrefix("s3:"), let bucket = need.resource.split(separator: ":").last?.split(separator: "/").first {
            resourcePolicy = policies.buckets[String(bucket)] ?? []
        }
        for statement in identity where statement.effect == "Deny" {
            if try matches(statement, action: need.action, resource: need.resource, context: need.context, account: place.account) {
                decision.deniedBy.append(statement.name)
            }
        }
        for statement in resourcePolicy where statement.effect == "Deny" {
            if try matches(statement, action: need.action, resource: need.resource, context: need.context, principal: role, account: place.account) {
                decision.deniedBy.append(statement.name)
            }
        }
        let allowingIdentity = try identity.filter {
            try $0.effect == "Allow" && matches($0, action: need.action, resource: need.resource, context: need.context, account: place.account)
        }
        if need.action.hasPrefix("kms:") {
            guard let keyPolicy = policies.keys[need.resource] else { return decision }  // a key the template doesn't own: no key policy allows it
            let root = "arn:\(place.partition):iam::\(place.account):root"
            let direct = try keyPolicy.filter {
                try $0.effect == "Allow" && matches($0, action: need.action, resource: "*", context: need.context, principal: role, account: place.account)
            }
            let account = try keyPolicy.filter {
                try $0.effect == "Allow"
                    && (matches($0, action: need.action, resource: "*", context: need.context, principal: root, account: place.account)
                        || matches($0, action: need.action, resource: "*", context: need.context, principal: place.account, account: place.account))
            }
            for statement in direct { decision.allowedBy.append(statement.name); decision.used[statement.name] = need.action }
            if !account.isEmpty && !allowingIdentity.isEmpty {
                for statement in account + allowingIdentity { decision.allowedBy.append(statement.name); decision.used[statement.name] = need.action }
            } else {
                // An identity statement that the key policy doesn't let count is still "used" only if the key policy names the role.
                for statement in allowingIdentity where !direct.isEmpty {
                    decision.allowedBy.append(statement.name); decision.used[statement.name] = need.action
                }
            }
            return decision
        }
        for statement in allowingIdentity { decision.allowedBy.append(statement.name); decision.used[statement.name] = need.action }
        return decision
    }

    // MARK: (d) The check

    /// One line of the contract's table.
    public struct Row: Sendable, CustomStringConvertible {
        public var lambda: String
        public var call: String
        public var need: Need
        public var decision: Decision
        public var description: String {
            "\(lambda): \(call) → \(need.action) on \(need.resource) → "
                + (decision.allowed
                    ? decision.allowedBy.joined(separator: " + ")
                    : "NOT ALLOWED" + (decision.deniedBy.isEmpty ? "" : " (denied by \(decision.deniedBy.joined(separator: ", ")))"))
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
                let decision = try decide(need, role: role, policies: policies, place: place)
                for (statement, action) in decision.used { used.insert("\(statement): \(action.lowercased())") }
                let key = "\(need.action) \(need.resource) \(decision.allowed)"
                if seen.insert(key).inserted || !decision.allowed {
                    rows.append(Row(lambda: lambda, call: callText, need: need, decision: decision))
                }
            }
        }
        // Every Allow of the two roles' identity policies, and every key-policy Allow naming either role.
        var unused: [String] = []
        let roleArns = [senderRole, helperRole].compactMap { policies.roles[$0] }
        var statements = roleArns.flatMap { policies.identity[$0] ?? [] }
        for (_, keyPolicy) in policies.keys.sorted(by: { $0.key < $1.key }) {
            statements += keyPolicy.filter { statement in
                let aws = statement.document["Principal"]?.stringValue.map { [$0] } ?? strings(statement.document["Principal"]?["AWS"])
                return aws.contains { roleArns.contains($0) }
            }
        }
        for statement in statements where statement.effect == "Allow" {
            for action in statement.actions {
                let usedOne = used.contains { entry in
                    entry.hasPrefix("\(statement.name): ") && wildcard(action, String(entry.dropFirst(statement.name.count + 2)), caseInsensitive: true)
                }
                if !usedOne { unused.append("\(statement.name): \(action)") }
            }
        }
        return Report(template: URL(fileURLWithPath: templateFile).lastPathComponent, variant: variant, rows: rows, unused: unused)
    }
}
