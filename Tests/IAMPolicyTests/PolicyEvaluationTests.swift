import AWSCore
import IAMPolicy
import Testing
import TestSupport

/// The engine's own cases, each one a way a policy could be read too generously (a template that
/// lacks a permission must be caught) or too strictly.
@Suite(.tags(.unit)) struct PolicyEvaluationTests {
    static let topicA = "arn:aws:sns:us-east-1:123456789012:codes-a"
    static let topicB = "arn:aws:sns:us-east-1:123456789012:codes-b"
    static let role = "arn:aws:iam::123456789012:role/sender"

    func policy(_ statements: JSONValue..., name: String = "P") throws -> Policy {
        try Policy(name: name, document: ["Version": "2012-10-17", "Statement": .array(statements)])
    }

    func decide(_ policy: Policy, _ action: String, _ resource: String, _ context: [String: String] = [:], principal: Principal? = nil) throws -> Decision {
        try policy.decision(for: Request(principal: principal, action: action, resource: resource, context: context))
    }

    @Test func anAllowOnOneTopicDoesNotAllowAnother() throws {
        let p = try policy(["Sid": "Publish", "Effect": "Allow", "Action": "sns:Publish", "Resource": .string(Self.topicA)])
        #expect(try decide(p, "sns:Publish", Self.topicA) == .allowed(by: [StatementReference(policy: "P", sid: "Publish", index: 0)]))
        #expect(try decide(p, "sns:Publish", Self.topicB) == .implicitlyDenied)
        // Nor another action on the same topic.
        #expect(try decide(p, "sns:Subscribe", Self.topicA) == .implicitlyDenied)
    }

    @Test func nothingIsAllowedByDefault() throws {
        #expect(try decide(Policy(name: "empty", statements: []), "sns:Publish", Self.topicA) == .implicitlyDenied)
        let p = try policy(["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"])
        #expect(try decide(p, "sns:Publish", Self.topicA) == .implicitlyDenied)
    }

    @Test func anExplicitDenyWinsOverEveryAllow() throws {
        let p = try policy(
            ["Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"],
            ["Sid": "NoB", "Effect": "Deny", "Action": "sns:Publish", "Resource": .string(Self.topicB)])
        #expect(try decide(p, "sns:Publish", Self.topicA).isAllowed)
        #expect(try decide(p, "sns:Publish", Self.topicB) == .explicitlyDenied(by: [StatementReference(policy: "P", sid: "NoB", index: 1)]))
        // Across policies too: a Deny in one outweighs an Allow in another.
        let allow = try policy(["Effect": "Allow", "Action": "sns:*", "Resource": "*"], name: "allow")
        let deny = try policy(["Effect": "Deny", "Action": "sns:Publish", "Resource": "*"], name: "deny")
        #expect(
            try Policy.decision([allow, deny], for: Request(action: "sns:Publish", resource: Self.topicA))
                == .explicitlyDenied(by: [
                    StatementReference(policy: "deny", sid: nil, index: 0)
                ]))
    }

    @Test func notActionAllowsEverythingButWhatItLists() throws {
        let p = try policy(["Effect": "Allow", "NotAction": ["iam:*", "kms:Decrypt"], "Resource": "*"])
        #expect(try decide(p, "sns:Publish", Self.topicA).isAllowed)
        #expect(try decide(p, "iam:PassRole", Self.role) == .implicitlyDenied)
        #expect(try decide(p, "kms:Decrypt", "*") == .implicitlyDenied)
        #expect(try decide(p, "KMS:decrypt", "*") == .implicitlyDenied)
        #expect(try decide(p, "kms:Encrypt", "*").isAllowed)
    }

    @Test func notResourceAllowsEveryResourceButThoseListed() throws {
        let p = try policy(["Effect": "Allow", "Action": "sns:Publish", "NotResource": .string(Self.topicB)])
        #expect(try decide(p, "sns:Publish", Self.topicA).isAllowed)
        #expect(try decide(p, "sns:Publish", Self.topicB) == .implicitlyDenied)
    }

    @Test func questionMarkIsExactlyOneCharacter() throws {
        let p = try policy(["Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:123456789012:codes-?"])
        #expect(try decide(p, "sns:Publish", Self.topicA).isAllowed)
        #expect(try decide(p, "sns:Publish", "arn:aws:sns:us-east-1:123456789012:codes-") == .implicitlyDenied)
        #expect(try decide(p, "sns:Publish", "arn:aws:sns:us-east-1:123456789012:codes-ab") == .implicitlyDenied)
        let actions = try policy(["Effect": "Allow", "Action": "kms:?ecrypt", "Resource": "*"])
        #expect(try decide(actions, "kms:Decrypt", "*").isAllowed)
        #expect(try decide(actions, "kms:Encrypt", "*") == .implicitlyDenied)
        #expect(try decide(actions, "kms:ReEncrypt", "*") == .implicitlyDenied)
    }

    @Test func starMatchesAnyRunAndNothingMore() throws {
        let p = try policy(["Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::journal/records/*"])
        #expect(try decide(p, "s3:GetObject", "arn:aws:s3:::journal/records/a/b.json").isAllowed)
        #expect(try decide(p, "s3:Get", "arn:aws:s3:::journal/records/").isAllowed)
        #expect(try decide(p, "s3:PutObject", "arn:aws:s3:::journal/records/a") == .implicitlyDenied)
        #expect(try decide(p, "s3:GetObject", "arn:aws:s3:::journal/other") == .implicitlyDenied)
        #expect(try decide(p, "s3:GetObject", "arn:aws:s3:::journal-other/records/a") == .implicitlyDenied)
        // A dot is a dot: no regular expression reads the pattern.
        let dotted = try policy(["Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a.b/*"])
        #expect(try decide(dotted, "s3:GetObject", "arn:aws:s3:::aXb/k") == .implicitlyDenied)
    }

    @Test func actionsCompareWithoutRegardToCaseResourcesWithIt() throws {
        let p = try policy(["Effect": "Allow", "Action": "SNS:publish", "Resource": .string(Self.topicA)])
        #expect(try decide(p, "sns:Publish", Self.topicA).isAllowed)
        #expect(try decide(p, "Sns:PUBLISH", Self.topicA).isAllowed)
        #expect(try decide(p, "sns:Publish", Self.topicA.uppercased()) == .implicitlyDenied)
        #expect(try decide(p, "sns:Publish", "arn:aws:sns:us-east-1:123456789012:Codes-a") == .implicitlyDenied)
    }

    @Test func aSingleStatementObjectAndSingleStringsAreRead() throws {
        let p = try Policy(name: "one", document: ["Statement": ["Effect": "Allow", "Action": "sns:Publish", "Resource": .string(Self.topicA)]])
        #expect(p.statements.count == 1)
        #expect(try decide(p, "sns:Publish", Self.topicA).isAllowed)
    }

    @Test func aMalformedPolicyIsRefused() {
        #expect(throws: IAMPolicyError.self) { try Policy(document: ["Version": "2012-10-17"]) }
        #expect(throws: IAMPolicyError.self) { try Policy(document: ["Statement": [["Effect": "Permit", "Action": "*", "Resource": "*"]]]) }
        #expect(throws: IAMPolicyError.self) { try Policy(document: ["Statement": [["Effect": "Allow", "Resource": "*"]]]) }
        #expect(throws: IAMPolicyError.self) {
            try Policy(document: ["Statement": [["Effect": "Allow", "Action": "*", "NotAction": "iam:*", "Resource": "*"]]])
        }
        #expect(throws: IAMPolicyError.self) { try Policy(document: ["Statement": [["Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "x"]]]) }
    }

    // MARK: Conditions

    @Test func stringAndArnConditionsMustHold() throws {
        // The templates' key policy statement for Cognito, with its two source conditions.
        let p = try policy([
            "Effect": "Allow", "Principal": ["Service": "cognito-idp.amazonaws.com"], "Action": "kms:Encrypt", "Resource": "*",
            "Condition": [
                "ArnLike": ["aws:SourceArn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/*"],
                "StringEquals": ["aws:SourceAccount": "123456789012"],
            ],
        ])
        let cognito = Principal.service("cognito-idp.amazonaws.com")
        let pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_A"
        #expect(try decide(p, "kms:Encrypt", "k", ["aws:SourceArn": pool, "aws:SourceAccount": "123456789012"], principal: cognito).isAllowed)
        // Keys compare without regard to case.
        #expect(try decide(p, "kms:Encrypt", "k", ["AWS:SOURCEARN": pool, "aws:sourceaccount": "123456789012"], principal: cognito).isAllowed)
        #expect(try decide(p, "kms:Encrypt", "k", ["aws:SourceArn": pool, "aws:SourceAccount": "999999999999"], principal: cognito) == .implicitlyDenied)
        let otherRegion = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_A"
        #expect(
            try decide(p, "kms:Encrypt", "k", ["aws:SourceArn": otherRegion, "aws:SourceAccount": "123456789012"], principal: cognito) == .implicitlyDenied)
        // An absent key fails the test.
        #expect(try decide(p, "kms:Encrypt", "k", ["aws:SourceAccount": "123456789012"], principal: cognito) == .implicitlyDenied)
        // Another principal is not named.
        #expect(
            try decide(p, "kms:Encrypt", "k", ["aws:SourceArn": pool, "aws:SourceAccount": "123456789012"], principal: .service("sns.amazonaws.com"))
                == .implicitlyDenied)
    }

    @Test func arnWildcardsStayInTheirField() throws {
        let p = try policy([
            "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["ArnEquals": ["aws:SourceArn": "arn:aws:sns:*:123456789012:codes"]],
        ])
        #expect(try decide(p, "sqs:SendMessage", "q", ["aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:codes"]).isAllowed)
        // `*` in the region field does not swallow the account field.
        #expect(try decide(p, "sqs:SendMessage", "q", ["aws:SourceArn": "arn:aws:sns:us-east-1:999999999999:123456789012:codes"]) == .implicitlyDenied)
    }

    @Test func boolIfExistsNegatedAndNull() throws {
        let tls = try policy([
            "Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": ["Bool": ["aws:SecureTransport": false]],
        ])
        let over = Request(principal: .aws(Self.role), action: "s3:PutObject", resource: "arn:aws:s3:::b/k", context: ["aws:SecureTransport": "true"])
        let plain = Request(principal: .aws(Self.role), action: "s3:PutObject", resource: "arn:aws:s3:::b/k", context: ["aws:SecureTransport": "FALSE"])
        #expect(try tls.decision(for: over) == .implicitlyDenied)
        #expect(try tls.decision(for: plain) == .explicitlyDenied(by: [StatementReference(policy: "P", sid: "TLS", index: 0)]))

        let ifExists = try policy([
            "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["StringEqualsIfExists": ["kms:ViaService": "sns.us-east-1.amazonaws.com"]],
        ])
        #expect(try decide(ifExists, "kms:Decrypt", "k").isAllowed)
        #expect(try decide(ifExists, "kms:Decrypt", "k", ["kms:ViaService": "sns.us-east-1.amazonaws.com"]).isAllowed)
        #expect(try decide(ifExists, "kms:Decrypt", "k", ["kms:ViaService": "s3.us-east-1.amazonaws.com"]) == .implicitlyDenied)

        let notEquals = try policy(["Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["StringNotEquals": ["aws:SourceAccount": "999999999999"]]])
        #expect(try decide(notEquals, "sqs:SendMessage", "q", ["aws:SourceAccount": "123456789012"]).isAllowed)
        #expect(try decide(notEquals, "sqs:SendMessage", "q", ["aws:SourceAccount": "999999999999"]) == .implicitlyDenied)
        // A negated operator holds when the key is absent.
        #expect(try decide(notEquals, "sqs:SendMessage", "q").isAllowed)

        let null = try policy(["Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["Null": ["aws:SourceArn": "true"]]])
        #expect(try decide(null, "sqs:SendMessage", "q").isAllowed)
        #expect(try decide(null, "sqs:SendMessage", "q", ["aws:SourceArn": "arn:aws:sns:us-east-1:1:t"]) == .implicitlyDenied)
    }

    @Test func anOperatorNotModelledIsRefusedOrTakenAsMetOnRequest() throws {
        let p = try policy(["Sid": "Net", "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["IpAddress": ["aws:SourceIp": "10.0.0.0/8"]]])
        let request = Request(action: "sns:Publish", resource: Self.topicA, context: ["aws:SourceIp": "10.1.2.3"])
        #expect(throws: IAMPolicyError.unsupportedConditionOperator("IpAddress", in: StatementReference(policy: "P", sid: "Net", index: 0))) {
            try p.decision(for: request)
        }
        #expect(p.decisionTakingUnsupportedConditionsAsMet(for: request).isAllowed)
        // A statement that another of its tests already rules out does not throw.
        let both = try policy([
            "Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": ["IpAddress": ["aws:SourceIp": "10.0.0.0/8"], "StringEquals": ["aws:SourceAccount": "1"]],
        ])
        #expect(try both.decision(for: Request(action: "x:Y", resource: "r", context: ["aws:SourceAccount": "2"])) == .implicitlyDenied)
    }

    @Test func unknownKeysAreTakenAsMetOnlyWhenTheCallerSaysSo() throws {
        let p = try policy([
            "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ["StringEquals": ["kms:ViaService": "sns.us-east-1.amazonaws.com"]],
        ])
        #expect(try p.decision(for: Request(action: "kms:Decrypt", resource: "k")) == .implicitlyDenied)
        #expect(try p.decision(for: Request(action: "kms:Decrypt", resource: "k", otherKeys: .unknown)).isAllowed)
        // A key that is given is judged all the same.
        #expect(try p.decision(for: Request(action: "kms:Decrypt", resource: "k", context: ["kms:ViaService": "s3"], otherKeys: .unknown)) == .implicitlyDenied)
    }

    // MARK: Principals and KMS

    @Test func principalsAreMatchedByNameAndAccountsByIdOrRoot() throws {
        let p = try policy(
            ["Sid": "Role", "Effect": "Allow", "Principal": ["AWS": .string(Self.role)], "Action": "kms:Decrypt", "Resource": "*"],
            ["Sid": "Account", "Effect": "Allow", "Principal": ["AWS": "123456789012"], "Action": "kms:*", "Resource": "*"])
        #expect(try decide(p, "kms:Decrypt", "k", principal: .aws(Self.role)) == .allowed(by: [StatementReference(policy: "P", sid: "Role", index: 0)]))
        #expect(try decide(p, "kms:Encrypt", "k", principal: .aws(Self.role)) == .implicitlyDenied)
        #expect(try decide(p, "kms:Encrypt", "k", principal: .aws("arn:aws:iam::123456789012:root")).isAllowed)
        #expect(try decide(p, "kms:Encrypt", "k", principal: .aws("arn:aws:iam::999999999999:root")) == .implicitlyDenied)
        #expect(try decide(p, "kms:Decrypt", "k", principal: .service("kms.amazonaws.com")) == .implicitlyDenied)
    }

    @Test func kmsNeedsTheKeyPolicyAndWhereItDefersAnIdentityAllow() throws {
        let key = "arn:aws:kms:us-east-1:123456789012:key/k"
        let deferring = try policy(
            ["Sid": "Root", "Effect": "Allow", "Principal": ["AWS": "arn:aws:iam::123456789012:root"], "Action": "kms:*", "Resource": "*"], name: "key")
        let naming = try policy(
            ["Sid": "Sender", "Effect": "Allow", "Principal": ["AWS": .string(Self.role)], "Action": "kms:Decrypt", "Resource": "*"], name: "key")
        let silent = try policy(
            ["Sid": "Other", "Effect": "Allow", "Principal": ["AWS": "arn:aws:iam::123456789012:role/other"], "Action": "kms:*", "Resource": "*"], name: "key")
        let identity = try policy(["Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": .string(key)], name: "role")
        let request = Request(principal: .aws(Self.role), action: "kms:Decrypt", resource: key)
        let root = StatementReference(policy: "key", sid: "Root", index: 0), decrypt = StatementReference(policy: "role", sid: "Decrypt", index: 0)

        #expect(try Policy.keyDecision(keyPolicy: deferring, identityPolicies: [identity], for: request) == .allowed(by: [root, decrypt]))
        #expect(try Policy.keyDecision(keyPolicy: deferring, identityPolicies: [], for: request) == .leftToIAMAndNotAllowed(keyPolicy: [root]))
        #expect(try Policy.keyDecision(keyPolicy: naming, identityPolicies: [], for: request).isAllowed)
        // An identity Allow is not enough when the key policy names neither the role nor its account.
        #expect(try Policy.keyDecision(keyPolicy: silent, identityPolicies: [identity], for: request) == .notInKeyPolicy)
        let deny = try policy(["Sid": "No", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"], name: "role")
        #expect(
            try Policy.keyDecision(keyPolicy: naming, identityPolicies: [deny], for: request)
                == .explicitlyDenied(by: [StatementReference(policy: "role", sid: "No", index: 0)]))
    }
}
