import AWSCore
import AWSServices
import Doctor
import Foundation
import PoolJournal

/// What the existing-pool template deploys, made call by call (against moto, in `make demo` and
/// the doctor tests), plus a user pool a team testing SMS flows would have.
///
/// It is set up the way the template sets it up, so that `doctor` finds it healthy: the key policy
/// lets Cognito encrypt for this pool and the sender's role decrypt, the sender may publish and
/// Cognito may invoke it for this pool, the inbox's queue policy lets the topic deliver, failed
/// invocations go to a failures queue, and the pool sends codes for every flow doctor checks.
public struct DemoStack: Sendable {
    /// The resources' common suffix.
    public var suffix: String
    /// The region everything is in.
    public var region: Region
    /// The key Cognito encrypts codes with.
    public var keyArn: String
    /// The topic the sender publishes to.
    public var topicArn: String
    /// The address subscribed to the topic.
    public var email: String
    /// The code inbox: URL and ARN.
    public var inboxUrl: String, inboxArn: String
    /// The sender-failures queue: URL and ARN.
    public var failuresUrl: String, failuresArn: String
    /// The journal's bucket.
    public var bucket: String
    /// The sender's execution role: ARN and name.
    public var roleArn: String, roleName: String
    /// The sender function.
    public var sender: LambdaClient.FunctionConfiguration
    /// The Encryption SDK layer version the attach puts on the sender.
    public var layerVersionArn: String
    /// The user pool.
    public var poolId: String, poolArn: String

    /// The journal location the demo's custom resource writes to.
    public var journalURI: String { "s3://\(bucket)/journal/demo.sqlite" }

    /// The statement id of Cognito's permission to invoke the sender.
    public static let invokeStatementId = "CognitoInvokesTheSender"

    /// Creates everything; `email` is subscribed to the topic.
    public static func create(aws: AWSClientConfiguration, email: String = "developer@example.com") async throws -> DemoStack {
        let kms = try KMSClient(configuration: aws), sns = try SNSClient(configuration: aws), sqs = try SQSClient(configuration: aws)
        let s3 = try S3Client(configuration: aws), lambda = try LambdaClient(configuration: aws), iam = try IAMClient(configuration: aws)
        let cognito = try CognitoIdentityProviderClient(configuration: aws)
        let suffix = UUID().uuidString.prefix(6).lowercased()

        let pool = try await cognito.createUserPool(demoPool(name: "sms-redirect-demo-\(suffix)"))
        guard let poolId = pool["Id"]?.stringValue, let poolArn = pool["Arn"]?.stringValue else { throw DemoFailure("CreateUserPool returned no Id or Arn") }
        // The SMS factor: without it an MFA-ON pool asks for no SMS code.
        try await cognito.setUserPoolMfaConfig([
            "UserPoolId": .string(poolId), "MfaConfiguration": "ON",
            "SmsMfaConfiguration": [
                "SmsAuthenticationMessage": "Your sign-in code is {####}",
                "SmsConfiguration": [
                    "SnsCallerArn": "arn:aws:iam::123456789012:role/demo-cognito-sms", "ExternalId": "sms-redirect-demo", "SnsRegion": "us-east-1",
                ],
            ],
        ])

        let topic = try await sns.createTopic(name: "sms-redirect-demo-\(suffix)")
        _ = try await sns.subscribe(topicArn: topic, protocol: "email", endpoint: email, returnSubscriptionArn: false)
        let inbox = try await sqs.createQueue(name: "sms-redirect-inbox-\(suffix)", attributes: ["MessageRetentionPeriod": "86400"])
        let inboxArn = try await queueArn(inbox, sqs: sqs)
        try await sqs.setQueueAttributes(queueUrl: inbox, attributes: ["Policy": queuePolicy(queueArn: inboxArn, topicArn: topic).jsonString])
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: inboxArn)
        let failures = try await sqs.createQueue(name: "sms-redirect-failures-\(suffix)")
        let failuresArn = try await queueArn(failures, sqs: sqs)
        let bucket = "sms-redirect-journal-\(suffix)"
        try await s3.createBucket(name: bucket)

        let roleName = "sms-redirect-demo-sender-\(suffix)"
        let role = try await iam.createLambdaRole(name: roleName)
        try await iam.putRolePolicy(
            roleName: roleName, name: "PublishCodes",
            document: [
                "Version": "2012-10-17",
                "Statement": [
                    ["Effect": "Allow", "Action": "sns:Publish", "Resource": .string(topic)],
                    ["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": .string(failuresArn)],
                ],
            ])
        let account = ARN(poolArn)?.account ?? "123456789012"
        let key = try await kms.createKey(
            description: "CognitoSMSRedirect demo: Cognito encrypts codes with it",
            policy: keyPolicy(account: account, poolArn: poolArn, senderRole: role).jsonString)

        let function = try await lambda.createFunction([
            "FunctionName": .string("sms-redirect-demo-sender-\(suffix)"), "Runtime": "provided.al2023", "Handler": "bootstrap", "Role": .string(role),
            "Code": ["ZipFile": .string(emptyZip.base64EncodedString())],
            "Environment": ["Variables": ["KMS_KEY_ARN": .string(key.arn), "SNS_TOPIC_ARN": .string(topic)]],
        ])
        try await lambda.addPermission(
            functionName: function.functionName, statementId: invokeStatementId, principal: "cognito-idp.amazonaws.com", sourceArn: poolArn)
        try await lambda.putFunctionEventInvokeConfig(functionName: function.functionName, maximumRetryAttempts: 1, onFailure: failuresArn)
        let layer = try await lambda.publishLayerVersion(
            layerName: "sms-redirect-encryption-sdk-\(suffix)", content: .zipFile(emptyZip),
            compatibleRuntimes: ["provided.al2023"])
        return DemoStack(
            suffix: suffix, region: aws.region, keyArn: key.arn, topicArn: topic, email: email, inboxUrl: inbox, inboxArn: inboxArn,
            failuresUrl: failures, failuresArn: failuresArn, bucket: bucket, roleArn: role, roleName: roleName, sender: function,
            layerVersionArn: layer.layerVersionArn, poolId: poolId, poolArn: poolArn)
    }

    /// What `doctor --user-pool-id … --sender-arn …` examines for this stack.
    public func doctorTarget(journal: (any JournalStore)?, redirectEmail: Bool? = nil) -> DoctorTarget {
        DoctorTarget(
            userPoolId: poolId, sender: sender.functionArn, topicArn: topicArn, inboxQueueUrl: inboxUrl, failuresQueueUrl: failuresUrl,
            journal: journal, redirectEmail: redirectEmail)
    }

    /// A realistic pool: what a team testing SMS flows has (phone and email verification, SMS MFA,
    /// recovery by phone then email, …). No UsernameAttributes: moto drops that create-only member
    /// on UpdateUserPool (Cognito keeps it).
    public static func demoPool(name: String) -> JSONValue {
        DemoPool.request(name: name, smsRoleArn: "arn:aws:iam::123456789012:role/demo-cognito-sms")
    }

    static func unusedDemoPool(name: String) -> JSONValue {
        [
            "PoolName": .string(name), "MfaConfiguration": "ON", "AutoVerifiedAttributes": ["phone_number", "email"],
            "SmsConfiguration": [
                "SnsCallerArn": "arn:aws:iam::123456789012:role/demo-cognito-sms", "ExternalId": "sms-redirect-demo", "SnsRegion": "us-east-1",
            ],
            "SmsAuthenticationMessage": "Your sign-in code is {####}", "SmsVerificationMessage": "Your verification code is {####}",
            "Policies": [
                "PasswordPolicy": [
                    "MinimumLength": 12, "RequireNumbers": true, "RequireSymbols": true, "RequireUppercase": true, "RequireLowercase": true,
                    "TemporaryPasswordValidityDays": 3,
                ]
            ],
            "AccountRecoverySetting": ["RecoveryMechanisms": [["Name": "verified_phone_number", "Priority": 1], ["Name": "verified_email", "Priority": 2]]],
            "DeviceConfiguration": ["ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": true],
            "UserPoolTags": ["project": "sms-redirect-demo"], "DeletionProtection": "INACTIVE",
        ]
    }

    /// The template's key policy: the account administers, Cognito encrypts for this pool only,
    /// the sender's role decrypts.
    public static func keyPolicy(account: String, poolArn: String, senderRole: String) -> JSONValue {
        [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Sid": "KeyAdministrationByTheAccount", "Effect": "Allow", "Principal": ["AWS": .string("arn:aws:iam::\(account):root")],
                    "Action": ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:EnableKey", "kms:DisableKey", "kms:ScheduleKeyDeletion"],
                    "Resource": "*",
                ],
                [
                    "Sid": "CognitoEncryptsCodesForThisPoolOnly", "Effect": "Allow", "Principal": ["Service": "cognito-idp.amazonaws.com"],
                    "Action": "kms:Encrypt",
                    "Resource": "*", "Condition": ["StringEquals": ["aws:SourceAccount": .string(account)], "ArnLike": ["aws:SourceArn": .string(poolArn)]],
                ],
                ["Sid": "OnlyTheSenderDecrypts", "Effect": "Allow", "Principal": ["AWS": .string(senderRole)], "Action": "kms:Decrypt", "Resource": "*"],
            ],
        ]
    }

    /// The template's inbox policy: only this topic delivers.
    public static func queuePolicy(queueArn: String, topicArn: String) -> JSONValue {
        [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Sid": "OnlyThisTopicDelivers", "Effect": "Allow", "Principal": ["Service": "sns.amazonaws.com"], "Action": "sqs:SendMessage",
                    "Resource": .string(queueArn), "Condition": ["ArnEquals": ["aws:SourceArn": .string(topicArn)]],
                ]
            ],
        ]
    }

    static func queueArn(_ url: String, sqs: SQSClient) async throws -> String {
        guard let arn = try await sqs.getQueueAttributes(queueUrl: url, names: ["QueueArn"])["QueueArn"] else { throw DemoFailure("\(url) has no QueueArn") }
        return arn
    }

    /// An empty zip: moto stores the function's code without running it (the bootstrap runs here).
    public static let emptyZip = Data([0x50, 0x4B, 0x05, 0x06] + Array(repeating: 0, count: 18))
}

/// A demo step that did not come out as it should: the demo stops and says which.
public struct DemoFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// A failure saying `description`.
    public init(_ description: String) { self.description = description }
}
