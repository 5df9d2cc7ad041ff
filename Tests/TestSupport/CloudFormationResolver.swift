import AWSCore
import Foundation

/// CloudFormation's intrinsic functions applied to a template for one stack — what the IAM
/// contract reads the templates' policies through. Ref, GetAtt, Sub, Select, Split, Join, If,
/// Equals, Not, And, Or, Condition; a resource the stack does not bind gets a made-up physical id
/// of its kind, and anything not modelled throws rather than resolving to something plausible.
/// Tested on its own in Tests/IAMContractTests/CloudFormationResolverTests.
public struct CloudFormationResolver: Sendable {
    /// The template, as parsed JSON.
    public let template: JSONValue
    /// The stack it is resolved as.
    public let stack: IAMContract.Stack

    /// A resolver of `template` for `stack`.
    public init(template: JSONValue, stack: IAMContract.Stack) {
        self.template = template
        self.stack = stack
    }

    var resources: [String: JSONValue] { template["Resources"]?.objectValue ?? [:] }
    var place: IAMContract.Place { stack.place }

    /// A parameter's value: the stack's, else the template's Default; nil for no such parameter.
    public func parameter(_ name: String) throws -> String? {
        if let value = stack.parameters[name] { return value }
        guard let declared = template["Parameters"][name] else { return nil }
        if let value = declared["Default"]?.stringValue { return value }
        if let value = declared["Default"]?.intValue { return String(value) }
        throw IAMContract.Unusable("parameter \(name) has no default: give it in the Stack")
    }

    /// `Ref`: a pseudo parameter, a parameter, a bound resource, else a made-up physical id of the resource's kind.
    public func ref(_ name: String) throws -> String {
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
        guard let resource = resources[name] else { throw IAMContract.Unusable("Ref \(name): no such parameter or resource") }
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

    /// `Fn::GetAtt`: a bound attribute, else the ARN the resource's kind would have.
    public func getAtt(_ name: String, _ attribute: String) throws -> String {
        if let value = stack.attributes["\(name).\(attribute)"] { return value }
        guard let resource = resources[name] else { throw IAMContract.Unusable("GetAtt \(name).\(attribute): no such resource") }
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
        case ("AWS::Events::Rule", "Arn"): return place.arn("events", "rule/\(ref)")
        default: throw IAMContract.Unusable("GetAtt \(name).\(attribute) is not modelled: bind it in the Stack")
        }
    }

    /// A named condition of the template's Conditions.
    public func condition(_ name: String) throws -> Bool {
        guard let definition = template["Conditions"][name] else { throw IAMContract.Unusable("no condition \(name)") }
        return try truth(definition)
    }

    /// A condition expression: Condition, Fn::Equals, Fn::Not, Fn::And, Fn::Or.
    public func truth(_ value: JSONValue) throws -> Bool {
        if let name = value["Condition"]?.stringValue { return try condition(name) }
        if let pair = value["Fn::Equals"]?.arrayValue, pair.count == 2 {
            return try resolve(pair[0]) == resolve(pair[1])
        }
        if let list = value["Fn::Not"]?.arrayValue, list.count == 1 { return try !truth(list[0]) }
        if let list = value["Fn::And"]?.arrayValue { return try list.allSatisfy { try truth($0) } }
        if let list = value["Fn::Or"]?.arrayValue { return try list.contains { try truth($0) } }
        throw IAMContract.Unusable("condition \(value.jsonString) is not modelled")
    }

    /// The value with every intrinsic function applied; nil for AWS::NoValue.
    public func resolve(_ value: JSONValue) throws -> JSONValue? {
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
                guard parts.count == 2 else { throw IAMContract.Unusable("GetAtt \(argument.jsonString)") }
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
                else { throw IAMContract.Unusable("Select \(argument.jsonString)") }
                return items[index]
            case "Fn::Split":
                guard let list = argument.arrayValue, list.count == 2, let separator = list[0].stringValue, let text = try resolve(list[1])?.stringValue
                else {
                    throw IAMContract.Unusable("Split \(argument.jsonString)")
                }
                return .array(text.components(separatedBy: separator).map { .string($0) })
            case "Fn::Join":
                guard let list = argument.arrayValue, list.count == 2, let separator = list[0].stringValue, let items = try resolve(list[1])?.arrayValue
                else {
                    throw IAMContract.Unusable("Join \(argument.jsonString)")
                }
                return .string(items.compactMap(\.stringValue).joined(separator: separator))
            case "Fn::If":
                guard let list = argument.arrayValue, list.count == 3, let name = list[0].stringValue else {
                    throw IAMContract.Unusable("If \(argument.jsonString)")
                }
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
