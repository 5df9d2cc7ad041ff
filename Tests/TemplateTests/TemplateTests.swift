import AWSCore
import Foundation
import Testing
import TestSupport

/// The CloudFormation templates in cfn/: their JSON twins are current, cfn-lint finds nothing, and the
/// security properties hold. The assertions read the JSON twins (the YAML is their source, and the
/// first test proves the two say the same thing).
@Suite(.needsPython("cfnlint"))
struct TemplateFileTests {
    /// The twins must be what `make cfn-json` would write now (cfn-lint's decoder reads the YAML).
    @Test func jsonTwinsMatchTheirYAML() async throws {
        let result = try await run(["python3", "scripts/cfn_to_json.py", "--check"])
        #expect(result.status == 0, "the JSON twins are stale or could not be generated: \(result.output)")
    }

    /// cfn-lint (pinned in scripts/pins.sh) on all four files: any finding fails; so does a missing cfn-lint.
    @Test func cfnLintFindsNothing() async throws {
        let version = try await run(["cfn-lint", "--version"])
        try #require(version.status == 0, "cfn-lint is not installed (make test installs it from scripts/pins.sh): \(version.output)")
        #expect(version.output.contains("1.51.0"), "cfn-lint is not the pinned 1.51.0: \(version.output)")
        let files = Template.names.flatMap { ["cfn/\($0).yaml", "cfn/\($0).json"] }
        let lint = try await run(["cfn-lint", "--"] + files)
        #expect(lint.status == 0, "cfn-lint findings:\n\(lint.output)")
    }

    @Test func noTemplateNamesTheCommercialPartition() throws {
        for name in Template.names {
            for suffix in ["yaml", "json"] {
                let text = try String(contentsOf: Template.directory.appendingPathComponent("\(name).\(suffix)"), encoding: .utf8)
                #expect(!text.contains("arn:aws:"), "\(name).\(suffix) has a literal arn:aws: (use ${AWS::Partition})")
            }
        }
    }

    func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await CommandRunner.run("/usr/bin/env", ["sh", "-c", "cd \"$0\" && exec \"$@\"", BuiltProducts.packageRoot.path] + arguments)
        return (result.status, result.standardOutput + result.standardError)
    }
}

struct TemplateSecurityTests {
    @Test(arguments: Template.names) func noAllowStatementGrantsAWildcardAction(name: String) throws {
        let template = try Template(name)
        for (owner, statement) in template.allPolicyStatements() {
            #expect(
                statement["NotAction"] == nil && statement["NotResource"] == nil && statement["NotPrincipal"] == nil,
                "\(owner): a Not* element")
            for action in strings(statement["Action"]) where isWildcardAction(action) {
                // A broad Deny only takes away (the TLS-only bucket policy denies s3:* as AWS Config's
                // s3-bucket-ssl-requests-only expects); a broad Allow is never acceptable.
                #expect(statement["Effect"]?.stringValue == "Deny", "\(owner): Allow of \(action)")
            }
        }
    }

    @Test(arguments: Template.names) func everyRoleStatementHasScopedResources(name: String) throws {
        let template = try Template(name)
        var starStatements: [String] = []
        for (owner, role, statement) in template.rolePolicyStatements() where statement["Effect"]?.stringValue == "Allow" {
            let resources = values(statement["Resource"])
            #expect(!resources.isEmpty, "\(owner): an Allow without Resource")
            for resource in resources {
                guard let text = resourceText(resource) else { continue }
                if text == "*" {
                    starStatements.append(owner)
                    // The two exceptions, both SMS to a phone number, which has no ARN: the pool's SMS
                    // role, and with RedirectOnly the sender (to the numbers it does not redirect).
                    let senderRole = template.sender["Properties"]["Role"]?["Fn::GetAtt"]?.arrayValue?.first?.stringValue
                    #expect(role != nil && (role == template.smsRole || role == senderRole), "\(owner): Resource \"*\"")
                    #expect(strings(statement["Action"]) == ["sns:Publish"], "\(owner): Resource \"*\" beyond sns:Publish")
                    #expect(resources.count == 1, "\(owner): Resource \"*\" among others")
                } else {
                    #expect(!isWholeServiceWildcard(text), "\(owner): \(text) is every resource of a service")
                }
            }
        }
        #expect(starStatements.count == (template.smsRole == nil ? 1 : 2), "statements with Resource \"*\": \(starStatements)")
    }

    @Test(arguments: Template.names) func onlyCognitoEncryptsAndOnlyTheSenderDecrypts(name: String) throws {
        let template = try Template(name)
        let senderRole = try #require(template.sender["Properties"]["Role"])
        let senderPrincipal: JSONValue = ["AWS": senderRole]
        // The topic's key serves the two publishers: the sender (codes) and the helper (the watch's notices).
        let publishers: JSONValue = ["AWS": [senderRole, try #require(template.helper["Properties"]["Role"])]]
        let codeKeyID = try #require(template.attachment["Properties"]["KmsKeyArn"]?["Fn::GetAtt"]?.arrayValue?.first?.stringValue)
        let keys = template.resources(ofType: "AWS::KMS::Key")
        #expect(!keys.isEmpty)
        for (keyID, key) in keys {
            #expect(key["Properties"]["EnableKeyRotation"]?.boolValue == true, "\(keyID): rotation off")
            for statement in expand(key["Properties"]["KeyPolicy"]["Statement"]) {
                let actions = strings(statement["Action"])
                #expect(!actions.contains { $0 == "*" || $0.lowercased() == "kms:*" }, "\(keyID): \(actions)")
                guard statement["Effect"]?.stringValue == "Allow" else { continue }
                let grants = Set(Self.cryptographicOperations.filter { op in actions.contains { glob($0, matches: op) } })
                if grants.contains("kms:Encrypt") {
                    #expect(grants == ["kms:Encrypt"], "\(keyID): Encrypt granted together with \(grants)")
                    #expect(
                        statement["Principal"] == ["Service": "cognito-idp.amazonaws.com"],
                        "\(keyID): kms:Encrypt to \(String(describing: statement["Principal"]))")
                    let conditions = conditionKeys(statement["Condition"])
                    #expect(conditions["aws:SourceAccount"] == ["Ref": "AWS::AccountId"], "\(keyID): Encrypt without aws:SourceAccount")
                    #expect(
                        conditions["aws:SourceArn"] == template.encryptingPoolArn,
                        "\(keyID): Encrypt without aws:SourceArn = \(template.encryptingPoolArn.jsonString)")
                } else if !grants.isEmpty {
                    #expect(
                        statement["Principal"] == (keyID == codeKeyID ? senderPrincipal : publishers),
                        "\(keyID): \(grants.sorted()) to \(String(describing: statement["Principal"]))")
                }
            }
        }
        // The key the pool encrypts with is the one the sender decrypts with, and has both statements.
        let codeKey = try #require(template.attachment["Properties"]["KmsKeyArn"])
        #expect(template.sender["Properties"]["Environment"]["Variables"]["KMS_KEY_ARN"] == codeKey)
        let statements = expand(template.resources[codeKeyID]?["Properties"]["KeyPolicy"]["Statement"])
        #expect(statements.filter { strings($0["Action"]).contains("kms:Encrypt") }.count == 1)
        #expect(statements.filter { strings($0["Action"]).contains("kms:Decrypt") }.count == 1)
    }

    @Test(arguments: Template.names) func theJournalBucketIsPrivateVersionedEncryptedAndRetained(name: String) throws {
        let template = try Template(name)
        let buckets = template.resources(ofType: "AWS::S3::Bucket")
        try #require(buckets.count == 1)
        let (bucketID, bucket) = buckets[0]
        #expect(bucket["DeletionPolicy"] == "Retain")
        #expect(bucket["UpdateReplacePolicy"] == "Retain")
        let properties = bucket["Properties"]
        #expect(properties["VersioningConfiguration"]["Status"] == "Enabled")
        let encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]?.arrayValue ?? []
        #expect(!encryption.isEmpty && encryption.allSatisfy { $0["ServerSideEncryptionByDefault"]["SSEAlgorithm"]?.stringValue != nil })
        for flag in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
            #expect(properties["PublicAccessBlockConfiguration"][flag] == true, "\(flag) is not true")
        }
        #expect(properties["OwnershipControls"]["Rules"]?.arrayValue?.first?["ObjectOwnership"] == "BucketOwnerEnforced")
        let policies = template.resources(ofType: "AWS::S3::BucketPolicy").filter { $0.1["Properties"]["Bucket"] == ["Ref": .string(bucketID)] }
        try #require(policies.count == 1)
        let deniesPlainHTTP = expand(policies[0].1["Properties"]["PolicyDocument"]["Statement"]).contains { statement in
            let denies: Bool = statement["Effect"] == "Deny" && statement["Principal"] == "*"
            let onPlainHTTP: Bool = statement["Condition"]["Bool"]["aws:SecureTransport"] == "false"
            return denies && onPlainHTTP
        }
        #expect(deniesPlainHTTP, "the bucket policy does not deny non-TLS requests")
        // The helper's journal lives in this bucket, under the stack's name.
        #expect(
            template.helper["Properties"]["Environment"]["Variables"]["JOURNAL_URI"]
                == ["Fn::Sub": .string("s3://${\(bucketID)}/journal/${AWS::StackName}.sqlite")])
    }

    @Test(arguments: Template.names) func theAttachmentTakesExactlyItsPropertiesAndDependsOnWhatItUses(name: String) throws {
        let template = try Template(name)
        let attachment = template.attachment
        let properties = try #require(attachment["Properties"]?.objectValue)
        let timeout = try #require(properties["ServiceTimeout"]?.intValue, "no ServiceTimeout")
        #expect((1...3600).contains(timeout))
        #expect(
            Set(properties.keys).subtracting(["ServiceToken", "ServiceTimeout"])
                == ["UserPoolId", "SenderFunctionArn", "KmsKeyArn", "LayerVersionArn", "SMSRoleArn", "SenderConfiguration", "RedirectEmail"])
        #expect(properties["RedirectEmail"] == ["Ref": "RedirectEmail"])
        #expect(properties["ServiceToken"] == ["Fn::GetAtt": [.string(template.helperID), "Arn"]])
        #expect(properties["SenderFunctionArn"] == ["Fn::GetAtt": [.string(template.senderID), "Arn"]])
        let layers = template.resources(ofType: "AWS::Lambda::LayerVersion")
        try #require(layers.count == 1)
        #expect(properties["LayerVersionArn"] == ["Ref": .string(layers[0].0)])
        let dependsOn = Set(strings(attachment["DependsOn"]))
        for (id, _) in template.senderPermissions + template.resources(ofType: "AWS::Logs::LogGroup") {
            #expect(dependsOn.contains(id), "the attachment does not DependsOn \(id)")
        }
    }

    /// The watch (`KeepRedirect`): a rule on CloudTrail's record of UpdateUserPool on this pool and
    /// nothing else, and the schedule, both invoking the helper, each allowed to by a permission
    /// naming that rule alone; both start after the attach and stop before the restore.
    @Test(arguments: Template.names) func theWatchInvokesTheHelperForThisPoolsUpdatesAndOnSchedule(name: String) throws {
        let template = try Template(name)
        let rules = template.resources(ofType: "AWS::Events::Rule")
        try #require(rules.count == 2)
        let helperArn: JSONValue = ["Fn::GetAtt": [.string(template.helperID), "Arn"]]
        for (id, rule) in rules {
            #expect(strings(rule["DependsOn"]) == [template.attachmentID], "\(id) must start after the attach and stop before the restore")
            #expect(rule["Properties"]["Targets"]?.arrayValue?.map { $0["Arn"] } == [helperArn], "\(id)")
            let permits = template.resources(ofType: "AWS::Lambda::Permission").filter {
                $0.1["Properties"]["SourceArn"] == ["Fn::GetAtt": [.string(id), "Arn"]]
            }
            try #require(permits.count == 1, "\(id): no permission to invoke the helper")
            #expect(
                permits[0].1["Properties"]["Principal"] == "events.amazonaws.com"
                    && permits[0].1["Properties"]["FunctionName"] == ["Ref": .string(template.helperID)])
        }
        let pattern = try #require(rules.first { $0.1["Properties"]["EventPattern"] != nil }?.1["Properties"]["EventPattern"])
        #expect(pattern["source"] == ["aws.cognito-idp"] && pattern["detail-type"] == ["AWS API Call via CloudTrail"])
        #expect(pattern["detail"]["eventSource"] == ["cognito-idp.amazonaws.com"] && pattern["detail"]["eventName"] == ["UpdateUserPool"])
        let poolRef = template.attachment["Properties"]["UserPoolId"]
        #expect(pattern["detail"]["requestParameters"]["userPoolId"] == .array([try #require(poolRef)]))
        #expect(rules.contains { $0.1["Properties"]["ScheduleExpression"] == ["Ref": "WatchSchedule"] })
        let variables = template.helper["Properties"]["Environment"]["Variables"]
        #expect(variables["USER_POOL_ID"] == poolRef && variables["KEEP_REDIRECT"] == ["Ref": "KeepRedirect"])
        #expect(variables["HELPER_ROLE_ARN"] == template.helper["Properties"]["Role"], "the helper must know its own calls' records")
        #expect(variables["NOTICE_TOPIC_ARN"] == template.sender["Properties"]["Environment"]["Variables"]["SNS_TOPIC_ARN"])
    }

    @Test(arguments: Template.names) func cognitoMayInvokeTheSenderForThisPoolOnly(name: String) throws {
        let template = try Template(name)
        let permissions = template.senderPermissions
        try #require(permissions.count == 1)
        let properties = permissions[0].1["Properties"]
        #expect(properties["Principal"] == "cognito-idp.amazonaws.com")
        #expect(properties["Action"] == "lambda:InvokeFunction")
        #expect(properties["FunctionName"] == ["Fn::GetAtt": [.string(template.senderID), "Arn"]])
        #expect(properties["SourceArn"] == template.poolArn)
        #expect(properties["SourceAccount"] == ["Ref": "AWS::AccountId"])
    }

    @Test(arguments: Template.names) func everyFunctionRunsOnProvidedAL2023WithARetainedLogGroup(name: String) throws {
        let template = try Template(name)
        let functions = template.resources(ofType: "AWS::Lambda::Function")
        #expect(Set(functions.map { $0.0 }) == [template.senderID, template.helperID])
        let logGroups = template.resources(ofType: "AWS::Logs::LogGroup")
        for (id, function) in functions {
            let properties = function["Properties"]
            #expect(properties["Runtime"] == "provided.al2023")
            #expect(properties["Handler"] == "bootstrap")
            #expect(properties["Architectures"] == ["x86_64"])
            let logGroup = logGroups.first { $0.1["Properties"]["LogGroupName"] == ["Fn::Sub": .string("/aws/lambda/${\(id)}")] }
            let group = try #require(logGroup, "\(id) has no log group")
            #expect(group.1["Properties"]["RetentionInDays"] == ["Ref": "LogRetentionInDays"])
        }
        for (_, layer) in template.resources(ofType: "AWS::Lambda::LayerVersion") {
            #expect(layer["Properties"]["CompatibleRuntimes"] == ["provided.al2023"])
            #expect(layer["Properties"]["CompatibleArchitectures"] == ["x86_64"])
        }
    }

    @Test(arguments: Template.names) func theCodeInboxExistsOnlyWhenAskedForAndOnlyTheTopicFillsIt(name: String) throws {
        let template = try Template(name)
        let queues = template.resources(ofType: "AWS::SQS::Queue").filter { $0.0 != "SenderFailures" }
        let queuePolicies = template.resources(ofType: "AWS::SQS::QueuePolicy")
        let subscriptions = template.resources(ofType: "AWS::SNS::Subscription").filter { $0.1["Properties"]["Protocol"] == "sqs" }
        try #require(queues.count == 1 && queuePolicies.count == 1 && subscriptions.count == 1)
        for (id, resource) in queues + queuePolicies + subscriptions {
            #expect(resource["Condition"] == "CreateCodeInbox", "\(id) is not conditional on CreateCodeInbox")
        }
        #expect(template.document["Outputs"]["CodeInboxQueueUrl"]["Condition"] == "CreateCodeInbox")
        #expect(queues[0].1["Properties"]["SqsManagedSseEnabled"] == true)
        #expect(subscriptions[0].1["Properties"]["RawMessageDelivery"] == false)
        let statements = expand(queuePolicies[0].1["Properties"]["PolicyDocument"]["Statement"])
        for statement in statements where statement["Effect"] == "Allow" {
            #expect(statement["Principal"] == ["Service": "sns.amazonaws.com"])
            #expect(strings(statement["Action"]) == ["sqs:SendMessage"])
            #expect(conditionKeys(statement["Condition"])["aws:SourceArn"] == ["Ref": "Topic"])
        }
    }

    /// Cognito invokes the sender asynchronously: an event that fails every attempt is recorded in
    /// a queue (always, inbox or not) that wait-code reads, with few retries, and the sender's role
    /// may send there (Lambda sends the record with it).
    @Test(arguments: Template.names) func theSendersFailuresAreRecordedWhereWaitCodeReadsThem(name: String) throws {
        let template = try Template(name)
        let configs = template.resources(ofType: "AWS::Lambda::EventInvokeConfig").filter { $0.1["Properties"]["FunctionName"] == ["Ref": "SenderFunction"] }
        try #require(configs.count == 1, "\(configs.map(\.0))")
        let config = configs[0].1
        #expect(config["Properties"]["Qualifier"] == "$LATEST")
        #expect((config["Properties"]["MaximumRetryAttempts"]?.intValue ?? 99) <= 1)
        #expect((config["Properties"]["MaximumEventAgeInSeconds"]?.intValue ?? 0) >= 60)
        #expect(config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] == ["Fn::GetAtt": ["SenderFailures", "Arn"]])
        #expect(strings(config["DependsOn"]).contains("SenderPolicy"), "Lambda checks the role's permission when the config is created")
        let queue = try #require(template.resources["SenderFailures"])
        #expect(queue["Type"] == "AWS::SQS::Queue" && queue["Condition"] == nil)
        #expect(queue["Properties"]["SqsManagedSseEnabled"] == true)
        let grants = expand(template.resources["SenderPolicy"]?["Properties"]["PolicyDocument"]["Statement"]).filter { $0["Sid"] == "RecordFailures" }
        #expect(
            grants.count == 1 && strings(grants.first?["Action"]) == ["sqs:SendMessage"]
                && grants.first?["Resource"] == ["Fn::GetAtt": ["SenderFailures", "Arn"]])
        #expect(template.document["Outputs"]["SenderFailuresQueueUrl"]["Value"] == ["Ref": "SenderFailures"])
    }

    @Test(arguments: Template.names) func theStackNameLimitIsPublishedForMakeDeploy(name: String) throws {
        let template = try Template(name)
        #expect(template.document["Metadata"]["SMSRedirect"]["MaxStackNameLength"] == 48)
        #expect(template.document["Description"]?.stringValue?.contains("48 characters") == true)
    }

    @Test(arguments: Template.names) func parametersAndOutputs(name: String) throws {
        let template = try Template(name)
        let parameters = Set(template.document["Parameters"]?.objectValue?.keys.map { $0 } ?? [])
        let outputs = Set(template.document["Outputs"]?.objectValue?.keys.map { $0 } ?? [])
        let common: Set = [
            "EmailAddress", "OptInSNSTopicEncryptionInput", "CreateCodeInbox", "RedirectEmail", "LogRetentionInDays", "KeepRedirect", "WatchSchedule",
            "RedirectOnly",
        ]
        let commonOutputs: Set = [
            "UserPoolId", "UserPoolArn", "SNSTopicArn", "CodeInboxQueueUrl", "JournalBucketName", "SenderFunctionName", "KmsKeyArn", "SenderFailuresQueueUrl",
        ]
        if name == "new-user-pool" {
            #expect(parameters == common)
            #expect(outputs == commonOutputs.union(["UserPoolClientId"]))
        } else {
            #expect(parameters == common.union(["UserPoolId", "SMSRoleArn"]))
            // What a pool's own IaC declares to keep the redirect (docs/user-guide.md, "Pools owned by IaC").
            #expect(outputs == commonOutputs.union(["SenderFunctionArn", "LambdaConfigSnippet"]))
        }
        let p = template.document["Parameters"]
        #expect(p["OptInSNSTopicEncryptionInput"]["AllowedValues"] == ["true", "false"])
        #expect(p["CreateCodeInbox"]["Default"] == "true")
        // Email redirect is opt-in: a stack deployed before it keeps its email sender.
        #expect(p["RedirectEmail"]["Default"] == "false" && p["RedirectEmail"]["AllowedValues"] == ["true", "false"])
        #expect(p["LogRetentionInDays"]["Default"] == 14)
        #expect(try fullMatch(p["EmailAddress"]["AllowedPattern"], "dev+sms@example.com"))
        #expect(try !fullMatch(p["EmailAddress"]["AllowedPattern"], "not an address"))
        if name == "existing-user-pool" {
            #expect(try fullMatch(p["UserPoolId"]["AllowedPattern"], "eu-west-1_AbC123xyz"))
            #expect(try !fullMatch(p["UserPoolId"]["AllowedPattern"], "eu-west-1"))
            #expect(try fullMatch(p["SMSRoleArn"]["AllowedPattern"], ""))
            #expect(try fullMatch(p["SMSRoleArn"]["AllowedPattern"], "arn:aws-us-gov:iam::123456789012:role/service-role/sms"))
            #expect(try !fullMatch(p["SMSRoleArn"]["AllowedPattern"], "sms-role"))
        }
    }

    /// A stack update of the sender resends its configuration with the Layers the template declares
    /// (none), which takes the helper's layer off: the attachment carries the same properties, so the
    /// same update re-runs it (StackLifecycleTests shows the re-attach through ministack's CloudFormation).
    @Test(arguments: Template.names) func theAttachmentCarriesTheSendersConfigurationSoItsUpdatesReRunIt(name: String) throws {
        let template = try Template(name)
        var declared = try #require(template.sender["Properties"]?.objectValue)
        declared["Code"] = nil
        #expect(declared["Layers"] == nil, "the sender declares Layers: the helper's layer and CloudFormation's would fight")
        #expect(
            template.attachment["Properties"]["SenderConfiguration"] == .object(declared),
            "SenderConfiguration differs from \(template.senderID)'s properties (all but Code): an update of the sender would not re-run the attachment")
    }

    /// CloudFormation owns the new pool's LambdaConfig, so a stack update of the pool keeps the trigger.
    @Test func theNewPoolSendsSMSMFAAndDeclaresItsCustomSMSSender() throws {
        let template = try Template("new-user-pool")
        let pools = template.resources(ofType: "AWS::Cognito::UserPool")
        try #require(pools.count == 1)
        let pool = pools[0].1["Properties"]
        #expect(pool["LambdaConfig"]["CustomSMSSender"] == ["LambdaArn": ["Fn::GetAtt": [.string(template.senderID), "Arn"]], "LambdaVersion": "V1_0"])
        #expect(pool["LambdaConfig"]["KMSKeyID"] == template.attachment["Properties"]["KmsKeyArn"])
        // With RedirectEmail the sender is the CustomEmailSender too, declared here for the same reason.
        #expect(
            pool["LambdaConfig"]["CustomEmailSender"] == [
                "Fn::If": [
                    "RedirectEmail", ["LambdaArn": ["Fn::GetAtt": [.string(template.senderID), "Arn"]], "LambdaVersion": "V1_0"],
                    ["Ref": "AWS::NoValue"],
                ]
            ])
        #expect(pool["LambdaConfig"]?.objectValue?.count == 3, "the pool declares other triggers: \(pool["LambdaConfig"]?.jsonString ?? "")")
        #expect(pool["UsernameAttributes"] == ["phone_number"])
        #expect(pool["AutoVerifiedAttributes"] == ["phone_number"])
        #expect(pool["MfaConfiguration"] == "ON")
        #expect(pool["EnabledMfas"] == ["SMS_MFA"])
        #expect(pool["SmsConfiguration"]["SnsCallerArn"] != nil && pool["SmsConfiguration"]["ExternalId"] != nil)
        // The SMS role trusts Cognito only with the pool's external id.
        let smsRoleID = try #require(template.smsRole)
        let trust = expand(template.resources[smsRoleID]?["Properties"]["AssumeRolePolicyDocument"]["Statement"])
        #expect(trust.count == 1)
        #expect(trust.first?["Principal"] == ["Service": "cognito-idp.amazonaws.com"])
        #expect(conditionKeys(trust.first?["Condition"])["sts:ExternalId"] == pool["SmsConfiguration"]["ExternalId"])
        let clients = template.resources(ofType: "AWS::Cognito::UserPoolClient")
        try #require(clients.count == 1)
        let client = clients[0].1["Properties"]
        #expect(client["GenerateSecret"] == false)
        #expect(Set(strings(client["ExplicitAuthFlows"])) == ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    }

    static let cryptographicOperations = [
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
        "kms:GenerateMac", "kms:VerifyMac", "kms:Sign", "kms:Verify", "kms:DeriveSharedSecret",
    ]
}

// MARK: - Reading a template

/// One JSON twin, with the resources the assertions keep coming back to.
struct Template {
    static let names = ["new-user-pool", "existing-user-pool"]
    static let directory = BuiltProducts.packageRoot.appendingPathComponent("cfn")

    let document: JSONValue
    let resources: [String: JSONValue]

    init(_ name: String) throws {
        document = try JSONValue(data: Data(contentsOf: Self.directory.appendingPathComponent("\(name).json")))
        resources = document["Resources"]?.objectValue ?? [:]
    }

    /// Resources of one type, sorted by logical id.
    func resources(ofType type: String) -> [(String, JSONValue)] {
        resources.filter { $0.value["Type"]?.stringValue == type }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func function(withCode code: String) -> String {
        resources(ofType: "AWS::Lambda::Function").first { $0.1["Properties"]["Code"]?.stringValue == code }?.0 ?? "<no function with Code \(code)>"
    }

    var senderID: String { function(withCode: "../dist/sender.zip") }
    var helperID: String { function(withCode: "../dist/helper.zip") }
    var sender: JSONValue { resources[senderID] ?? .null }
    var helper: JSONValue { resources[helperID] ?? .null }
    var attachment: JSONValue { resources(ofType: "Custom::SMSRedirectAttachment").first?.1 ?? .null }
    var attachmentID: String { resources(ofType: "Custom::SMSRedirectAttachment").first?.0 ?? "" }
    /// The permissions to invoke the sender (Cognito's); the others are the watch's, on the helper.
    var senderPermissions: [(String, JSONValue)] {
        resources(ofType: "AWS::Lambda::Permission").filter { $0.1["Properties"]["FunctionName"] == ["Fn::GetAtt": [.string(senderID), "Arn"]] }
    }

    /// The pool's ARN as the template spells it: GetAtt of its own pool, else built from the UserPoolId parameter.
    var poolArn: JSONValue {
        if let pool = resources(ofType: "AWS::Cognito::UserPool").first { return ["Fn::GetAtt": [.string(pool.0), "Arn"]] }
        return ["Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${UserPoolId}"]
    }

    /// What the code key's Encrypt statement names as aws:SourceArn: the existing pool; or, for the
    /// template's own pool, this account's pools in this region (the pool's LambdaConfig names the
    /// key, so the key can't name the pool).
    var encryptingPoolArn: JSONValue {
        if resources(ofType: "AWS::Cognito::UserPool").isEmpty { return poolArn }
        return ["Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/*"]
    }

    /// The role the template's own pool uses for SMS, if it has a pool.
    var smsRole: String? {
        resources(ofType: "AWS::Cognito::UserPool").first?.1["Properties"]["SmsConfiguration"]["SnsCallerArn"]["Fn::GetAtt"]?.arrayValue?.first?.stringValue
    }

    /// Every statement of every policy the template writes: roles (trust and permissions), IAM policies,
    /// key policies, bucket, queue and topic policies. Both branches of an Fn::If.
    func allPolicyStatements() -> [(String, JSONValue)] {
        var found: [(String, JSONValue)] = []
        for (id, resource) in resources.sorted(by: { $0.key < $1.key }) {
            let properties = resource["Properties"]
            var documents: [JSONValue?] = []
            switch resource["Type"]?.stringValue {
            case "AWS::IAM::Role":
                documents.append(properties["AssumeRolePolicyDocument"])
                documents += (properties["Policies"]?.arrayValue ?? []).map { $0["PolicyDocument"] }
            case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy":
                documents.append(properties["PolicyDocument"])
            case "AWS::KMS::Key":
                documents.append(properties["KeyPolicy"])
            default:
                continue
            }
            for document in documents {
                found += expand(document["Statement"]).map { (id, $0) }
            }
        }
        return found
    }

    /// The permission statements of roles: inline in the role, or in an AWS::IAM::Policy attached to it.
    /// The role is the logical id, when the template names one.
    func rolePolicyStatements() -> [(owner: String, role: String?, statement: JSONValue)] {
        var found: [(String, String?, JSONValue)] = []
        for (id, role) in resources(ofType: "AWS::IAM::Role") {
            for policy in role["Properties"]["Policies"]?.arrayValue ?? [] {
                found += expand(policy["PolicyDocument"]["Statement"]).map { (id, id, $0) }
            }
        }
        for (id, policy) in resources(ofType: "AWS::IAM::Policy") + resources(ofType: "AWS::IAM::ManagedPolicy") {
            let roles = values(policy["Properties"]["Roles"]).compactMap { $0["Ref"]?.stringValue }
            found += expand(policy["Properties"]["PolicyDocument"]["Statement"]).map { (id, roles.count == 1 ? roles[0] : nil, $0) }
        }
        return found
    }
}

// MARK: - Policy helpers

/// A Statement (object or list) as a list, both branches of each Fn::If, without AWS::NoValue.
func expand(_ value: JSONValue?) -> [JSONValue] {
    guard let value else { return [] }
    if case let .array(elements) = value { return elements.flatMap { expand($0) } }
    if let branches = value["Fn::If"]?.arrayValue, branches.count == 3 { return expand(branches[1]) + expand(branches[2]) }
    if value == ["Ref": "AWS::NoValue"] { return [] }
    return [value]
}

/// A string-or-list element as a list of values.
func values(_ value: JSONValue?) -> [JSONValue] {
    guard let value else { return [] }
    if case let .array(elements) = value { return elements }
    return [value]
}

/// A string-or-list element's strings (Action, DependsOn).
func strings(_ value: JSONValue?) -> [String] { values(value).compactMap(\.stringValue) }

/// The text of a resource: a literal, or the template of an Fn::Sub; nil for Ref and GetAtt.
func resourceText(_ value: JSONValue) -> String? {
    if let text = value.stringValue { return text }
    if let sub = value["Fn::Sub"] { return sub.stringValue ?? sub.arrayValue?.first?.stringValue }
    return nil
}

/// "*" or "service:*".
func isWildcardAction(_ action: String) -> Bool {
    action == "*" || action.range(of: #"^[A-Za-z0-9-]+:\*$"#, options: .regularExpression) != nil
}

/// An ARN whose resource part is just "*" (arn:partition:service:region:account:*).
func isWholeServiceWildcard(_ arn: String) -> Bool {
    let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    return parts.count == 6 && parts[5] == "*"
}

/// Condition keys across operators: {"StringEquals": {"aws:SourceAccount": x}} -> ["aws:SourceAccount": x].
func conditionKeys(_ condition: JSONValue?) -> [String: JSONValue] {
    var keys: [String: JSONValue] = [:]
    for (_, clause) in condition?.objectValue ?? [:] {
        for (key, value) in clause.objectValue ?? [:] { keys[key] = value }
    }
    return keys
}

/// IAM's wildcard match (case-insensitive, * and ?) of an action pattern against an action.
func glob(_ pattern: String, matches action: String) -> Bool {
    var regex = "^"
    for character in pattern.lowercased() {
        switch character {
        case "*": regex += ".*"
        case "?": regex += "."
        default: regex += NSRegularExpression.escapedPattern(for: String(character))
        }
    }
    return action.lowercased().range(of: regex + "$", options: .regularExpression) != nil
}

/// CloudFormation's AllowedPattern matches the whole value.
func fullMatch(_ pattern: JSONValue?, _ value: String) throws -> Bool {
    let pattern = try #require(pattern?.stringValue, "no AllowedPattern")
    return value.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil
}
