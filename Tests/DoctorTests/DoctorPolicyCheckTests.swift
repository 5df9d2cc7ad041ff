import AWSCore
@testable import AWSServices
@testable import Doctor
import Testing

/// doctor's permission checks on built facts: the policies a deployed stack could have, decided
/// through IAMPolicy as doctor asks it (only the request's source known).
@Suite(.tags(.unit)) struct DoctorPolicyCheckTests {
    static let account = "123456789012"
    static let role = "arn:aws:iam::123456789012:role/sender-role"
    static let key = "arn:aws:kms:us-east-1:123456789012:key/k"
    static let pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pool"
    static let topic = "arn:aws:sns:us-east-1:123456789012:codes"
    static let functionArn = "arn:aws:lambda:us-east-1:123456789012:function:sender"

    func facts(
        senderPolicy: JSONValue? = nil, keyPolicy: JSONValue = ["Statement": []], rolePolicies: DoctorFact<[JSONValue]>? = .success([]),
        queuePolicy: JSONValue? = nil
    ) throws -> DoctorFacts {
        let sender = try LambdaClient.functionConfiguration(["FunctionName": "sender", "FunctionArn": .string(Self.functionArn), "Role": .string(Self.role)])
        return DoctorFacts(
            userPoolId: "us-east-1_Pool", pool: .success(["Arn": .string(Self.pool)]), mfa: .success([:]), sender: .success(sender),
            senderPolicy: .success(senderPolicy), key: .success(.init(keyId: "k", arn: Self.key, keyState: "Enabled", description: nil)),
            keyPolicy: .success(keyPolicy), rolePolicies: rolePolicies, topicArn: Self.topic,
            inbox: .success(.init(url: "https://sqs/q", arn: "arn:aws:sqs:us-east-1:123456789012:q", policy: queuePolicy)),
            redirectEmail: (false, "test"), flows: [])
    }

    static func keyPolicy(_ statements: JSONValue...) -> JSONValue { ["Version": "2012-10-17", "Statement": .array(statements)] }
    static let rootDelegates: JSONValue = [
        "Sid": "Root", "Effect": "Allow", "Principal": ["AWS": "arn:aws:iam::123456789012:root"], "Action": "kms:*", "Resource": "*",
    ]
    static let decryptOnTheKey: JSONValue = ["Statement": [["Effect": "Allow", "Action": "kms:Decrypt", "Resource": .string(key)]]]

    @Test func decryptFollowsKMSsRule() throws {
        let named = Self.keyPolicy(["Effect": "Allow", "Principal": ["AWS": .string(Self.role)], "Action": "kms:Decrypt", "Resource": "*"])
        let direct = DoctorChecks.decryptPermission(try facts(keyPolicy: named))
        #expect(direct.status == .pass && direct.summary.contains("key policy lets"))

        let delegated = DoctorChecks.decryptPermission(try facts(keyPolicy: Self.keyPolicy(Self.rootDelegates), rolePolicies: .success([Self.decryptOnTheKey])))
        #expect(delegated.status == .pass && delegated.summary.contains("leaves kms:Decrypt to IAM"))

        let noIdentity = DoctorChecks.decryptPermission(try facts(keyPolicy: Self.keyPolicy(Self.rootDelegates), rolePolicies: .success([])))
        #expect(noIdentity.status == .fail && noIdentity.summary.contains("has no policy allowing it"))

        let notRead = DoctorChecks.decryptPermission(try facts(keyPolicy: Self.keyPolicy(Self.rootDelegates), rolePolicies: nil))
        #expect(notRead.status == .skipped)

        // An identity Allow is not enough where the key policy names neither the role nor its account.
        let other = Self.keyPolicy(["Effect": "Allow", "Principal": ["AWS": "arn:aws:iam::123456789012:role/other"], "Action": "kms:*", "Resource": "*"])
        let silent = DoctorChecks.decryptPermission(try facts(keyPolicy: other, rolePolicies: .success([Self.decryptOnTheKey])))
        #expect(silent.status == .fail && silent.summary.contains("does not let the sender's role"))

        let denying: JSONValue = ["Statement": [["Sid": "NoDecrypt", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"]]]
        let denied = DoctorChecks.decryptPermission(try facts(keyPolicy: named, rolePolicies: .success([denying])))
        #expect(denied.status == .fail && denied.summary.contains("NoDecrypt"), "\(denied.summary)")
    }

    @Test func publishNeedsAnAllowOnThisTopic() throws {
        func check(_ resource: String) throws -> DoctorCheck {
            DoctorChecks.publishPermission(
                try facts(rolePolicies: .success([["Statement": [["Effect": "Allow", "Action": "sns:Publish", "Resource": .string(resource)]]]])))
        }
        #expect(try check(Self.topic).status == .pass)
        #expect(try check(Self.topic + "-other").status == .fail)
        #expect(try check("arn:aws:sns:us-east-1:123456789012:*").status == .pass)
    }

    @Test func invokeAndEncryptNeedTheirSourceAndAConditionDoctorCannotJudgeIsMet() throws {
        func invoke(_ sourceArn: String, extra: JSONValue = [:]) throws -> DoctorCheck {
            var condition: JSONValue = ["ArnLike": ["AWS:SourceArn": .string(sourceArn)]]
            for (op, keys) in extra.objectValue ?? [:] { condition[op] = keys }
            let policy: JSONValue = [
                "Statement": [
                    [
                        "Effect": "Allow", "Principal": ["Service": "cognito-idp.amazonaws.com"], "Action": "lambda:InvokeFunction",
                        "Resource": .string(Self.functionArn), "Condition": condition,
                    ]
                ]
            ]
            return DoctorChecks.invokePermission(try facts(senderPolicy: policy))
        }
        #expect(try invoke(Self.pool).status == .pass)
        #expect(try invoke("arn:aws:cognito-idp:us-east-1:123456789012:userpool/*").status == .pass)
        #expect(try invoke("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Other").status == .fail)
        // A key doctor does not know, under an operator IAMPolicy does not model: taken as met.
        #expect(try invoke(Self.pool, extra: ["IpAddress": ["aws:SourceIp": "10.0.0.0/8"]]).status == .pass)

        let keyPolicy = Self.keyPolicy([
            "Effect": "Allow", "Principal": ["Service": "cognito-idp.amazonaws.com"], "Action": "kms:Encrypt", "Resource": "*",
            "Condition": ["StringEquals": ["aws:SourceAccount": "999999999999"]],
        ])
        #expect(DoctorChecks.encryptPermission(try facts(keyPolicy: keyPolicy)).status == .fail)
    }

    @Test func theQueuePolicyMustLetThisTopicSend() throws {
        func check(_ source: String) throws -> DoctorCheck {
            let policy: JSONValue = [
                "Statement": [
                    "Effect": "Allow", "Principal": ["Service": "sns.amazonaws.com"], "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:us-east-1:123456789012:q", "Condition": ["ArnEquals": ["aws:SourceArn": .string(source)]],
                ]
            ]
            return DoctorChecks.inboxQueuePolicy(try facts(queuePolicy: policy))
        }
        #expect(try check(Self.topic).status == .pass)
        #expect(try check(Self.topic + "-other").status == .fail)
    }
}
