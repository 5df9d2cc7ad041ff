import AWSCore
import Foundation
import IAMPolicy
import Testing
import TestSupport

/// The engine against an outside evaluator: moto's (moto/iam/access_control.py, moto 5.2.1),
/// through scripts/iam_policy_peer.py, on one table of (policies, action, resource, context) cases
/// — hand-made ones and the templates' own role policies. Each case also states AWS's answer,
/// which the engine must give. Where moto is known to answer otherwise than AWS, the case says
/// why and names the AWS page; it is left out of the agreement, and must still disagree (so that
/// a moto that learns the rule makes this test ask for the exclusion to go).
@Suite(.needsPython("moto")) struct MotoCrossCheckTests {
    enum Verdict: String, Codable, Sendable { case allowed, explicitlyDenied, implicitlyDenied }

    /// Where moto is known to differ from AWS, with the page that says what AWS does.
    enum MotoDiffers: String, Sendable {
        case actionCase =
            "moto matches Action patterns case-sensitively; IAM compares action names without regard to case (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)"
        case regularExpression =
            "moto makes a regular expression of a pattern, replacing only `*`: `?` makes the character before it optional and `.` matches any character; in IAM `?` is exactly one character and other characters stand for themselves (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards)"
        case notResource =
            "moto has no NotResource: a statement without Resource applies to every resource (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html)"
        case failedConditionDenies =
            "moto answers DENIED for a statement whose condition does not hold, Allow or Deny alike; IAM leaves such a statement out (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)"
        case onlyStringEquals =
            "moto evaluates only StringEquals and takes every other condition operator as met (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)"
        case absentKeyMet =
            "moto takes a condition on a key the request lacks as met; in IAM it does not hold unless the operator is …IfExists or negated (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)"
        case otherPrincipalDenies =
            "moto answers DENIED for a statement that names another principal; IAM leaves it out (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)"
    }

    struct Case: Sendable {
        var name: String
        var policies: [JSONValue]
        var action: String
        var resource: String
        var principal: String? = nil
        var context: [String: String] = [:]
        /// What AWS decides.
        var aws: Verdict
        var motoDiffers: MotoDiffers? = nil
    }

    static let account = "123456789012"
    static let topicA = "arn:aws:sns:us-east-1:123456789012:codes-a"
    static let topicB = "arn:aws:sns:us-east-1:123456789012:codes-b"
    static let role = "arn:aws:iam::123456789012:role/sender"

    static func document(_ statements: JSONValue...) -> JSONValue { ["Version": "2012-10-17", "Statement": .array(statements)] }
    static func allow(_ action: JSONValue, _ resource: JSONValue, sid: String = "A", condition: JSONValue? = nil) -> JSONValue {
        var statement: JSONValue = ["Sid": .string(sid), "Effect": "Allow", "Action": action, "Resource": resource]
        if let condition { statement["Condition"] = condition }
        return statement
    }
    static func deny(_ action: JSONValue, _ resource: JSONValue, sid: String = "D", condition: JSONValue? = nil) -> JSONValue {
        var statement: JSONValue = ["Sid": .string(sid), "Effect": "Deny", "Action": action, "Resource": resource]
        if let condition { statement["Condition"] = condition }
        return statement
    }

    static var handMade: [Case] {
        let publishA = document(allow("sns:Publish", .string(topicA)))
        let everything = allow("*", "*", sid: "All")
        let passRole = document(
            allow("iam:PassRole", "*", condition: ["StringEquals": ["iam:PassedToService": "cognito-idp.amazonaws.com"]]))
        let grant = document(allow("kms:CreateGrant", "*", condition: ["Bool": ["kms:GrantIsForAWSResource": "true"]]))
        let source = document(allow("sqs:SendMessage", "*", condition: ["ArnLike": ["aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:codes-*"]]))
        return [
            Case(name: "the topic allowed", policies: [publishA], action: "sns:Publish", resource: topicA, aws: .allowed),
            Case(name: "another topic", policies: [publishA], action: "sns:Publish", resource: topicB, aws: .implicitlyDenied),
            Case(name: "another action", policies: [publishA], action: "sns:Subscribe", resource: topicA, aws: .implicitlyDenied),
            Case(name: "no statement", policies: [document()], action: "sns:Publish", resource: topicA, aws: .implicitlyDenied),
            Case(name: "no policy", policies: [], action: "sns:Publish", resource: topicA, aws: .implicitlyDenied),
            Case(name: "service wildcard", policies: [document(allow("sns:*", "*"))], action: "sns:Publish", resource: topicB, aws: .allowed),
            Case(
                name: "service wildcard, other service", policies: [document(allow("sns:*", "*"))], action: "sqs:SendMessage", resource: topicB,
                aws: .implicitlyDenied),
            Case(
                name: "prefix wildcard", policies: [document(allow("s3:Get*", "arn:aws:s3:::journal/*"))], action: "s3:GetObject",
                resource: "arn:aws:s3:::journal/a/b", aws: .allowed),
            Case(
                name: "prefix wildcard, other verb", policies: [document(allow("s3:Get*", "arn:aws:s3:::journal/*"))], action: "s3:PutObject",
                resource: "arn:aws:s3:::journal/a", aws: .implicitlyDenied),
            Case(
                name: "resource wildcard, other bucket", policies: [document(allow("s3:GetObject", "arn:aws:s3:::journal/*"))], action: "s3:GetObject",
                resource: "arn:aws:s3:::journal-x/a", aws: .implicitlyDenied),
            Case(
                name: "resource wildcard, the bucket itself", policies: [document(allow("s3:ListBucket", "arn:aws:s3:::journal/*"))], action: "s3:ListBucket",
                resource: "arn:aws:s3:::journal", aws: .implicitlyDenied),
            Case(
                name: "action list", policies: [document(allow(["sqs:SendMessage", "sns:Publish"], .string(topicA)))], action: "sns:Publish", resource: topicA,
                aws: .allowed),
            Case(
                name: "resource list", policies: [document(allow("sns:Publish", [.string(topicB), .string(topicA)]))], action: "sns:Publish", resource: topicA,
                aws: .allowed),
            Case(
                name: "single statement object", policies: [["Statement": allow("sns:Publish", .string(topicA))]], action: "sns:Publish", resource: topicA,
                aws: .allowed),
            Case(
                name: "deny wins", policies: [document(everything, deny("sns:Publish", .string(topicB)))], action: "sns:Publish", resource: topicB,
                aws: .explicitlyDenied),
            Case(
                name: "deny elsewhere", policies: [document(everything, deny("sns:Publish", .string(topicB)))], action: "sns:Publish", resource: topicA,
                aws: .allowed),
            Case(
                name: "deny wins across policies", policies: [document(everything), document(deny("sns:*", "*"))], action: "sns:Publish", resource: topicA,
                aws: .explicitlyDenied),
            Case(
                name: "deny before allow", policies: [document(deny("sns:Publish", "*"), everything)], action: "sns:Publish", resource: topicA,
                aws: .explicitlyDenied),
            Case(
                name: "NotAction allows others", policies: [document(["Effect": "Allow", "NotAction": "iam:*", "Resource": "*"])], action: "sns:Publish",
                resource: topicA, aws: .allowed),
            Case(
                name: "NotAction leaves out its own", policies: [document(["Effect": "Allow", "NotAction": "iam:*", "Resource": "*"])], action: "iam:PassRole",
                resource: role, aws: .implicitlyDenied),
            Case(
                name: "Deny NotAction denies others", policies: [document(everything, ["Effect": "Deny", "NotAction": "sns:Publish", "Resource": "*"])],
                action: "sqs:SendMessage", resource: "q", aws: .explicitlyDenied),
            Case(
                name: "Deny NotAction spares its own", policies: [document(everything, ["Effect": "Deny", "NotAction": "sns:Publish", "Resource": "*"])],
                action: "sns:Publish", resource: topicA, aws: .allowed),
            Case(
                name: "resources are case-sensitive", policies: [publishA], action: "sns:Publish",
                resource: topicA.replacingOccurrences(of: "codes-a", with: "Codes-a"), aws: .implicitlyDenied),
            Case(
                name: "StringEquals holds", policies: [passRole], action: "iam:PassRole", resource: role,
                context: ["iam:PassedToService": "cognito-idp.amazonaws.com"], aws: .allowed),
            Case(
                name: "Bool holds", policies: [grant], action: "kms:CreateGrant", resource: "k", context: ["kms:GrantIsForAWSResource": "true"], aws: .allowed),
            Case(name: "ArnLike holds", policies: [source], action: "sqs:SendMessage", resource: "q", context: ["aws:SourceArn": topicA], aws: .allowed),
            Case(
                name: "principal named",
                policies: [document(["Effect": "Allow", "Principal": ["AWS": .string(role)], "Action": "kms:Decrypt", "Resource": "*"])],
                action: "kms:Decrypt", resource: "k", principal: role, aws: .allowed),

            // Where moto is known to differ.
            Case(
                name: "action case", policies: [document(allow("SNS:publish", .string(topicA)))], action: "sns:Publish", resource: topicA, aws: .allowed,
                motoDiffers: .actionCase),
            Case(name: "action case, asked", policies: [publishA], action: "sns:PUBLISH", resource: topicA, aws: .allowed, motoDiffers: .actionCase),
            Case(
                name: "? in an action", policies: [document(allow("kms:?ecrypt", "*"))], action: "kms:Decrypt", resource: "k", aws: .allowed,
                motoDiffers: .regularExpression),
            Case(
                name: "? in a resource", policies: [document(allow("sns:Publish", "arn:aws:sns:us-east-1:123456789012:codes-?"))], action: "sns:Publish",
                resource: topicB, aws: .allowed, motoDiffers: .regularExpression),
            Case(
                name: "a dot is a dot", policies: [document(allow("s3:GetObject", "arn:aws:s3:::a.b/*"))], action: "s3:GetObject",
                resource: "arn:aws:s3:::aXb/k", aws: .implicitlyDenied, motoDiffers: .regularExpression),
            Case(
                name: "NotResource", policies: [document(["Effect": "Allow", "Action": "sns:Publish", "NotResource": .string(topicB)])], action: "sns:Publish",
                resource: topicB, aws: .implicitlyDenied, motoDiffers: .notResource),
            Case(
                name: "StringEquals does not hold", policies: [passRole], action: "iam:PassRole", resource: role,
                context: ["iam:PassedToService": "lambda.amazonaws.com"], aws: .implicitlyDenied, motoDiffers: .failedConditionDenies),
            Case(
                name: "a Deny whose condition does not hold",
                policies: [document(everything, deny("s3:*", "*", condition: ["StringEquals": ["aws:SourceAccount": "999999999999"]]))],
                action: "s3:PutObject", resource: "arn:aws:s3:::b/k", context: ["aws:SourceAccount": account], aws: .allowed,
                motoDiffers: .failedConditionDenies),
            Case(
                name: "Bool does not hold", policies: [grant], action: "kms:CreateGrant", resource: "k", context: ["kms:GrantIsForAWSResource": "false"],
                aws: .implicitlyDenied, motoDiffers: .onlyStringEquals),
            Case(
                name: "ArnLike does not hold", policies: [source], action: "sqs:SendMessage", resource: "q",
                context: ["aws:SourceArn": "arn:aws:sns:us-east-1:999999999999:codes-a"], aws: .implicitlyDenied, motoDiffers: .onlyStringEquals),
            Case(
                name: "StringEquals on an absent key", policies: [passRole], action: "iam:PassRole", resource: role, aws: .implicitlyDenied,
                motoDiffers: .absentKeyMet),
            Case(
                name: "another principal",
                policies: [
                    document(["Effect": "Allow", "Principal": ["AWS": "arn:aws:iam::123456789012:role/other"], "Action": "kms:Decrypt", "Resource": "*"])
                ],
                action: "kms:Decrypt", resource: "k", principal: role, aws: .implicitlyDenied, motoDiffers: .otherPrincipalDenies),
        ]
    }

    /// The existing-pool template's two role policies, resolved for a stack, asked what the Lambdas
    /// ask (and what they must not be let do).
    static func fromTheTemplate() throws -> [Case] {
        let template = BuiltProducts.packageRoot.appendingPathComponent("cfn/existing-user-pool.json").path
        let smsRole = "arn:aws:iam::123456789012:role/cognito-sms"
        let stack = IAMContract.Stack(
            name: "xcheck",
            parameters: ["UserPoolId": "us-east-1_POOL", "EmailAddress": "a@b.c", "SMSRoleArn": smsRole, "OptInSNSTopicEncryptionInput": "true"])
        let resources = try IAMContract.policies(templateFile: template, stack: stack).resources
        let sender = try #require(resources["SenderPolicy"]?["PolicyDocument"]), helper = try #require(resources["HelperPolicy"]?["PolicyDocument"])
        func resource(_ document: JSONValue, _ sid: String) throws -> String {
            let statement = document["Statement"]?.arrayValue?.first { $0["Sid"]?.stringValue == sid }
            return try #require(statement?["Resource"]?.stringValue ?? statement?["Resource"]?.arrayValue?.first?.stringValue, "\(sid)")
        }
        let topic = try resource(sender, "PublishCodes"), codeKey = try resource(sender, "DecryptCodes"),
            topicKey = try resource(sender, "PublishToEncryptedTopic")
        let logs = try resource(sender, "WriteOwnLogs"), failures = try resource(sender, "RecordFailures")
        let pool = try resource(helper, "ReadAndUpdateThePool"), journal = try resource(helper, "ReadAndWriteTheJournal")
        let function = try resource(helper, "AttachTheLayerToTheSender"), bucket = try resource(helper, "TellAMissingJournalFromADeniedOne")
        func other(_ arn: String) -> String { arn + "-other" }
        return [
            Case(name: "sender publishes", policies: [sender], action: "sns:Publish", resource: topic, aws: .allowed),
            Case(name: "sender publishes elsewhere", policies: [sender], action: "sns:Publish", resource: other(topic), aws: .implicitlyDenied),
            Case(name: "sender decrypts codes", policies: [sender], action: "kms:Decrypt", resource: codeKey, aws: .allowed),
            Case(name: "sender decrypts with another key", policies: [sender], action: "kms:Decrypt", resource: other(codeKey), aws: .implicitlyDenied),
            Case(name: "sender encrypts", policies: [sender], action: "kms:Encrypt", resource: codeKey, aws: .implicitlyDenied),
            Case(name: "sender's topic key", policies: [sender], action: "kms:GenerateDataKey", resource: topicKey, aws: .allowed),
            Case(
                name: "sender logs", policies: [sender], action: "logs:PutLogEvents", resource: logs.replacingOccurrences(of: ":*", with: ":log-stream:s"),
                aws: .allowed),
            Case(name: "sender creates a log group", policies: [sender], action: "logs:CreateLogGroup", resource: logs, aws: .implicitlyDenied),
            Case(name: "sender records failures", policies: [sender], action: "sqs:SendMessage", resource: failures, aws: .allowed),
            Case(name: "sender updates the pool", policies: [sender], action: "cognito-idp:UpdateUserPool", resource: pool, aws: .implicitlyDenied),
            Case(name: "helper updates the pool", policies: [helper], action: "cognito-idp:UpdateUserPool", resource: pool, aws: .allowed),
            Case(name: "helper updates another pool", policies: [helper], action: "cognito-idp:UpdateUserPool", resource: other(pool), aws: .implicitlyDenied),
            Case(name: "helper deletes the pool", policies: [helper], action: "cognito-idp:DeleteUserPool", resource: pool, aws: .implicitlyDenied),
            Case(name: "helper writes the journal", policies: [helper], action: "s3:PutObject", resource: journal, aws: .allowed),
            Case(
                name: "helper writes beside the journal", policies: [helper], action: "s3:PutObject", resource: bucket + "/journal/other.sqlite",
                aws: .implicitlyDenied),
            Case(name: "helper lists the bucket", policies: [helper], action: "s3:ListBucket", resource: bucket, aws: .allowed),
            Case(name: "helper attaches the layer", policies: [helper], action: "lambda:UpdateFunctionConfiguration", resource: function, aws: .allowed),
            Case(name: "helper changes the sender's code", policies: [helper], action: "lambda:UpdateFunctionCode", resource: function, aws: .implicitlyDenied),
            Case(
                name: "helper passes the SMS role to Cognito", policies: [helper], action: "iam:PassRole", resource: smsRole,
                context: ["iam:PassedToService": "cognito-idp.amazonaws.com"], aws: .allowed),
            Case(
                name: "helper passes the SMS role to Lambda", policies: [helper], action: "iam:PassRole", resource: smsRole,
                context: ["iam:PassedToService": "lambda.amazonaws.com"], aws: .implicitlyDenied, motoDiffers: .failedConditionDenies),
            Case(
                name: "helper lets Cognito grant itself the key", policies: [helper], action: "kms:CreateGrant", resource: codeKey,
                context: ["kms:GrantIsForAWSResource": "true"], aws: .allowed),
            Case(
                name: "helper grants the key to anyone", policies: [helper], action: "kms:CreateGrant", resource: codeKey,
                context: ["kms:GrantIsForAWSResource": "false"], aws: .implicitlyDenied, motoDiffers: .onlyStringEquals),
        ]
    }

    static func engine(_ c: Case) throws -> Verdict {
        let policies = try c.policies.enumerated().map { try Policy(name: "p\($0.offset)", document: $0.element) }
        let request = Request(principal: c.principal.map(Principal.aws), action: c.action, resource: c.resource, context: c.context)
        switch try Policy.decision(policies, for: request) {
        case .allowed: return .allowed
        case .explicitlyDenied: return .explicitlyDenied
        case .implicitlyDenied: return .implicitlyDenied
        }
    }

    static func moto(_ cases: [Case]) async throws -> [String] {
        struct Asked: Encodable {
            var policies: [JSONValue]
            var action: String
            var resource: String
            var principal: String?
            var context: [String: String]
        }
        let asked = cases.map { Asked(policies: $0.policies, action: $0.action, resource: $0.resource, principal: $0.principal, context: $0.context) }
        let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
        let run = try await CommandRunner.run(
            "/usr/bin/env", [python, BuiltProducts.packageRoot.appendingPathComponent("scripts/iam_policy_peer.py").path],
            input: try JSONEncoder().encode(asked))
        try #require(run.status == 0, "iam_policy_peer.py exited \(run.status): \(run.standardError.suffix(600))")
        let answers = try JSONValue(data: Data(run.standardOutput.utf8)).arrayValue ?? []
        try #require(answers.count == cases.count, "the peer answered \(answers.count) of \(cases.count) cases")
        return answers.map { $0.stringValue ?? $0.jsonString }
    }

    @Test func theEngineAndMotoAgreeWhereMotoFollowsAWS() async throws {
        let cases = try Self.handMade + Self.fromTheTemplate()
        let answers = try await Self.moto(cases)
        var agreed = 0, excluded = 0
        for (c, motoVerdict) in zip(cases, answers) {
            #expect(try Self.engine(c) == c.aws, "\(c.name): the engine is not AWS")
            if let difference = c.motoDiffers {
                excluded += 1
                #expect(motoVerdict != c.aws.rawValue, "\(c.name): moto now answers as AWS does (\(motoVerdict)); drop the exclusion “\(difference.rawValue)”")
            } else {
                #expect(motoVerdict == c.aws.rawValue, "\(c.name): moto says \(motoVerdict), the engine and AWS \(c.aws.rawValue)")
                if motoVerdict == c.aws.rawValue { agreed += 1 }
            }
        }
        print("IAMPolicy × moto: \(cases.count) cases, \(agreed) agree, \(excluded) left out where moto is known to differ from AWS")
        #expect(agreed + excluded == cases.count)
        #expect(agreed >= 40, "the cross-check must rest on enough agreeing cases")
    }
}
