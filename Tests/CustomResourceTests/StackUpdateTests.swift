import AWSCore
import AWSServices
import EncryptionSDKKMS
import CustomResource
import Foundation
import LambdaLocal
import LambdaRuntime
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// Stack updates keep the redirect. Each test stands up on moto what a template creates, makes the
/// calls CloudFormation makes for an update of that template (``CloudFormationCalls``: moto's
/// CloudFormation can't run these templates), sends the helper the event CloudFormation would
/// send, and then has the shipped sender, in a bare root holding the layers moto says the function
/// has, deliver a code for the pool as it reads back.
@Suite(.serialized)
struct StackUpdateTests {
    let kms: KMSClient
    let sns: SNSClient
    let sqs: SQSClient

    init() throws {
        kms = try KMSClient(configuration: Moto.configuration())
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    /// What a template's stack is made of on moto, and the template resolved for it.
    struct Stack {
        var harness: HelperHarness
        var bindings: IAMContract.Stack
        var keyArn: String
        var queueUrl: String
        var layerArn: String
        var senderArn: String
        var templateFile: String

        func resolved(_ templateFile: String? = nil) throws -> [String: JSONValue] {
            try IAMContract.policies(templateFile: templateFile ?? self.templateFile, stack: bindings).resources
        }

        /// The attachment's properties as CloudFormation sends them to the helper.
        func attachmentProperties(_ templateFile: String? = nil) throws -> [String: JSONValue] {
            CloudFormationCalls.customResourceProperties(try #require(try resolved(templateFile)["SMSRedirectAttachment"]))
        }
    }

    /// The key, topic, inbox, layer and sender the template would create, the sender created from
    /// the template's own properties. `pool` makes (or names) the pool from the resolved template.
    func makeStack(
        template name: String, parameters: [String: String] = [:],
        pool: (inout IAMContract.Stack) async throws -> Void = { _ in }
    ) async throws -> Stack {
        let harness = try await HelperHarness.make(stackName: "stack-update")
        let key = try await kms.createKey(description: "stack update \(name)")
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        let queueArn = try #require(try await sqs.getQueueAttributes(queueUrl: queue, names: ["QueueArn"])["QueueArn"])
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: queueArn)
        // Stands for the template's EncryptionSdkLayer; the bare root maps it to dist/encryption-sdk-layer.zip.
        let layer = try await harness.lambda.publishLayerVersion(layerName: Moto.uniqueName("encryption-sdk"), content: .zipFile(MotoResources.emptyZip))
        let templateFile = BuiltProducts.packageRoot.appendingPathComponent("cfn/\(name).json").path
        var bindings = IAMContract.Stack(
            name: Moto.uniqueName("stack-update"), place: .init(account: Moto.accountId),
            parameters: parameters.merging(["EmailAddress": "codes@example.com"]) { a, _ in a },
            refs: [
                "CodeKey": key.keyId, "Topic": topic, "CodeInbox": queue, "EncryptionSdkLayer": layer.layerVersionArn,
                "JournalBucket": harness.bucket, "HelperFunction": "sms-redirect-helper",
            ],
            attributes: ["CodeKey.Arn": key.arn, "CodeInbox.Arn": queueArn])

        // CreateFunction as the template declares the sender (moto needs its role to exist first).
        let declared = try #require(try IAMContract.policies(templateFile: templateFile, stack: bindings).resources["SenderFunction"])
        let variables = (declared["Environment"]["Variables"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        let function = try await MotoResources.makeFunction(environment: variables)
        bindings.refs["SenderFunction"] = function.functionName
        bindings.attributes["SenderFunction.Arn"] = function.functionArn
        bindings.attributes["SenderRole.Arn"] = try #require(function.document["Role"]?.stringValue)

        try await pool(&bindings)
        return Stack(
            harness: harness, bindings: bindings, keyArn: key.arn, queueUrl: queue, layerArn: layer.layerVersionArn,
            senderArn: function.functionArn, templateFile: templateFile)
    }

    /// The template with `edit` applied, as an upgraded copy a user deploys (its own file: cfn/ is read by other tests meanwhile).
    func editedTemplate(_ stack: Stack, _ edit: (inout JSONValue) -> Void) throws -> String {
        var template = try JSONValue(data: Data(contentsOf: URL(fileURLWithPath: stack.templateFile)))
        edit(&template)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("edited-\(UUID().uuidString.prefix(8)).json")
        try template.data().write(to: file)
        return file.path
    }

    func response(_ stack: Stack, _ event: CustomResourceEvent) async throws -> JSONValue {
        let response = try await stack.harness.inbox.response(for: event.requestId)
        #expect(response["Status"]?.stringValue == "SUCCESS", "\(event.requestType.rawValue): \(response["Reason"]?.stringValue ?? "")")
        return response
    }

    /// Does Cognito's part for the pool as it reads back (its trigger and key), and runs the shipped
    /// sender as Lambda would run the function that trigger names: its environment, and in /opt
    /// exactly the layers its configuration lists. Returns the code it put in the inbox, or the
    /// outcome when it delivered none.
    func deliverACode(_ stack: Stack, poolId: String, channel: TriggerSource.Channel = .sms) async throws -> Result<String, DeliveryFailure> {
        let pool = try await stack.harness.cognito.describeUserPool(id: poolId)
        guard let senderArn = pool["LambdaConfig"][channel.triggerPrefix]["LambdaArn"]?.stringValue else {
            return .failure(DeliveryFailure(description: "the pool has no \(channel.triggerPrefix): Cognito would send no code to the sender"))
        }
        let keyArn = try #require(pool["LambdaConfig"]["KMSKeyID"]?.stringValue)
        let function = try await stack.harness.lambda.getFunctionConfiguration(functionName: senderArn)
        let layers = try function.layers.map { arn in
            guard arn == stack.layerArn else { throw DeliveryFailure(description: "the sender has layer \(arn), which this test has no zip for") }
            return BuiltProducts.packageRoot.appendingPathComponent("dist/encryption-sdk-layer.zip")
        }
        let sandbox = try await LambdaSandbox.make(function: BuiltProducts.packageRoot.appendingPathComponent("dist/sender.zip"), layers: layers)
        defer { sandbox.remove() }

        let code = "update-\(UUID().uuidString.prefix(10))"
        let phone = "+1555555\(String(format: "%04d", Int.random(in: 0...9999)))"
        let address = "updated-\(UUID().uuidString.prefix(6).lowercased())@example.com"
        let event = try await CognitoSimulator(kmsKeyArn: keyArn, kms: kms).event(
            triggerSource: TriggerSource(channel, .authentication), code: code, userPoolId: poolId,
            userName: "updated", phoneNumber: channel == .sms ? phone : nil,
            email: channel == .email ? address : nil, region: "us-east-1")
        SecretLedger.record(.code, code)
        SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
        var environment = function.environment
        environment.merge(["AWS_ENDPOINT_URL": try LambdaSandbox.endpointByName(), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]) { $1 }
        let report = try await LocalInvoker(
            sandbox.invoker(environment: environment, functionName: function.functionName, timeout: .seconds(60), output: .standardError)
        )
        .invoke(event: try event.jsonValue.data())
        guard case .response = report.outcome else { return .failure(DeliveryFailure(description: "\(report.outcome)")) }
        let filter: CodeInbox.Filter = channel == .sms ? .init(phoneNumber: phone) : .init(email: address)
        let record = try await CodeInbox(sqs: sqs, queueUrl: stack.queueUrl).waitForCode(matching: filter, timeout: Moto.arrivalTimeout)
        return .success(record.code == code ? code : "a different code")
    }

    struct DeliveryFailure: Error, CustomStringConvertible { let description: String }

    /// An upgraded template changes the sender's memory. CloudFormation's update of the sender
    /// resends its configuration with no layers, and the sender can no longer start; the change to
    /// the attachment's SenderConfiguration makes CloudFormation send the helper an Update, which
    /// puts the layer back under the same id. The Delete then restores the pool exactly.
    @Test func aSenderUpdateTakesTheLayerOffAndTheAttachmentsUpdatePutsItBack() async throws {
        // The existing pool, with an SMS role (so the stack's SMSRoleArn is set).
        let cognito = try CognitoIdentityProviderClient(configuration: Moto.configuration())
        let poolKey = try await kms.createKey(description: "the pool's own")
        let created = try await cognito.createUserPool(try PoolFixtures.createRequest("02-phone-username-sms-mfa-on", kmsKeyArn: poolKey.arn))
        let poolId = try #require(created["Id"]?.stringValue)
        let original = try await cognito.describeUserPool(id: poolId)
        let smsRole = try #require(original["SmsConfiguration"]["SnsCallerArn"]?.stringValue)
        let stack = try await makeStack(template: "existing-user-pool", parameters: ["UserPoolId": poolId, "SMSRoleArn": smsRole])
        let harness = stack.harness

        let properties = try stack.attachmentProperties()
        let create = try await harness.event(.create, properties: properties)
        try await harness.run([create])
        let physicalId = try #require(try await response(stack, create)["PhysicalResourceId"]?.stringValue)
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: stack.senderArn).layers == [stack.layerArn])

        // The upgrade: MemorySize 256 → 512, in the sender and (as TemplateTests demand) in SenderConfiguration.
        let upgraded = try editedTemplate(stack) { template in
            template["Resources"]["SenderFunction"]["Properties"]["MemorySize"] = 512
            template["Resources"]["SMSRedirectAttachment"]["Properties"]["SenderConfiguration"]["MemorySize"] = 512
        }
        defer { try? FileManager.default.removeItem(atPath: upgraded) }
        let sender = try #require(try stack.resolved(upgraded)["SenderFunction"])
        _ = try await harness.lambda.client.restJSON(
            "UpdateFunctionConfiguration", method: .PUT,
            path: "/2015-03-31/functions/\(AWSURIEncoding.encode(stack.senderArn))/configuration",
            body: CloudFormationCalls.updateFunctionConfiguration(sender))
        let updated = try await harness.lambda.getFunctionConfiguration(functionName: stack.senderArn)
        #expect(updated.document["MemorySize"]?.intValue == 512, "CloudFormation's update did not take effect")
        #expect(updated.layers.isEmpty, "moto kept the layer through an update that declares none: this test would show nothing")
        if case let .failure(failure) = try await deliverACode(stack, poolId: poolId) {
            #expect(failure.description.contains("EncryptionSDKLayerMissing"), "without the layer: \(failure)")
        } else {
            Issue.record("the sender delivered without its layer: the bare root did not hold the layers moto lists")
        }

        // CloudFormation sees the attachment's properties changed and sends it an Update.
        let newProperties = try stack.attachmentProperties(upgraded)
        #expect(newProperties != properties)
        let update = try await harness.event(.update, properties: newProperties, physicalId: physicalId, old: properties)
        try await harness.run([update])
        #expect(
            try await response(stack, update)["PhysicalResourceId"]?.stringValue == physicalId,
            "a new id would make CloudFormation send a Delete for the old one, which would take the redirect off")
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: stack.senderArn).layers == [stack.layerArn])
        switch try await deliverACode(stack, poolId: poolId) {
        case let .success(code): #expect(code.hasPrefix("update-"))
        case let .failure(failure): Issue.record("after the re-attach: \(failure)")
        }

        // The re-attach kept the original the first attach journaled: the Delete restores it exactly.
        let delete = try await harness.event(.delete, properties: newProperties, physicalId: physicalId)
        try await harness.run([delete])
        _ = try await response(stack, delete)
        let restored = try await harness.cognito.describeUserPool(id: poolId)
        #expect(PoolFixtures.comparable(restored) == PoolFixtures.comparable(original), "the pool was not restored exactly")
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: stack.senderArn).layers.isEmpty)
    }

    /// RedirectEmail is a stack parameter: turning it on and off again is a stack Update, which
    /// changes the attachment's id, so CloudFormation creates the new attachment and then deletes
    /// the old one. Email codes arrive only while it is on; the pool's own CustomEmailSender is back
    /// while it is off; the last Delete restores the pool exactly.
    @Test func redirectEmailIsTurnedOnAndOffByAStackUpdate() async throws {
        let cognito = try CognitoIdentityProviderClient(configuration: Moto.configuration())
        var poolId = "", original: JSONValue = nil
        let stack = try await makeStack(template: "existing-user-pool", parameters: ["UserPoolId": "pending", "SMSRoleArn": ""]) { bindings in
            // The pool's own email sender uses the stack's key, as Cognito's one KMSKeyID demands of both senders.
            let created = try await cognito.createUserPool(
                try PoolFixtures.createRequest(
                    "14-custom-email-sender-sharing-the-key",
                    kmsKeyArn: try #require(bindings.attributes["CodeKey.Arn"])))
            poolId = try #require(created["Id"]?.stringValue)
            original = try await cognito.describeUserPool(id: poolId)
            bindings.parameters["UserPoolId"] = poolId
            bindings.parameters["SMSRoleArn"] = original["SmsConfiguration"]["SnsCallerArn"]?.stringValue ?? ""
        }
        let harness = stack.harness
        let ownEmailSender = original["LambdaConfig"]["CustomEmailSender"]
        #expect(ownEmailSender?["LambdaArn"] != nil, "the fixture has its own CustomEmailSender")
        var withEmail = stack
        withEmail.bindings.parameters["RedirectEmail"] = "true"

        let off = try stack.attachmentProperties()
        let on = try withEmail.attachmentProperties()
        #expect(off["RedirectEmail"] == "false" && on["RedirectEmail"] == "true")
        let create = try await harness.event(.create, properties: off)
        try await harness.run([create])
        let offId = try #require(try await response(stack, create)["PhysicalResourceId"]?.stringValue)
        #expect(try await cognito.describeUserPool(id: poolId)["LambdaConfig"]["CustomEmailSender"] == ownEmailSender)

        // On: a new id; the Delete of the old one that follows leaves the pool to the new one.
        let turnOn = try await harness.event(.update, properties: on, physicalId: offId, old: off)
        try await harness.run([turnOn])
        let onId = try #require(try await response(stack, turnOn)["PhysicalResourceId"]?.stringValue)
        #expect(onId != offId)
        let cleanUpOff = try await harness.event(.delete, properties: off, physicalId: offId)
        try await harness.run([cleanUpOff])
        _ = try await response(stack, cleanUpOff)
        let redirected = try await cognito.describeUserPool(id: poolId)
        #expect(redirected["LambdaConfig"]["CustomEmailSender"] == ["LambdaArn": .string(stack.senderArn), "LambdaVersion": "V1_0"])
        if case let .failure(failure) = try await deliverACode(stack, poolId: poolId, channel: .email) {
            Issue.record("an email code with RedirectEmail on: \(failure)")
        }
        if case let .failure(failure) = try await deliverACode(stack, poolId: poolId, channel: .sms) {
            Issue.record("an SMS code with RedirectEmail on: \(failure)")
        }

        // Off again: the pool's own email sender is back, SMS codes still arrive.
        let turnOff = try await harness.event(.update, properties: off, physicalId: onId, old: on)
        try await harness.run([turnOff])
        #expect(try await response(stack, turnOff)["PhysicalResourceId"]?.stringValue == offId)
        let cleanUpOn = try await harness.event(.delete, properties: on, physicalId: onId)
        try await harness.run([cleanUpOn])
        _ = try await response(stack, cleanUpOn)
        #expect(try await cognito.describeUserPool(id: poolId)["LambdaConfig"]["CustomEmailSender"] == ownEmailSender)
        if case let .failure(failure) = try await deliverACode(stack, poolId: poolId, channel: .sms) {
            Issue.record("an SMS code with RedirectEmail off: \(failure)")
        }

        let delete = try await harness.event(.delete, properties: off, physicalId: offId)
        try await harness.run([delete])
        _ = try await response(stack, delete)
        #expect(
            PoolFixtures.comparable(try await cognito.describeUserPool(id: poolId)) == PoolFixtures.comparable(original), "the pool was not restored exactly")
    }

    /// The new-pool template declares the pool's LambdaConfig, so CloudFormation's UpdateUserPool for
    /// a change to the pool keeps the trigger and codes still arrive. The same update from a template
    /// that leaves LambdaConfig to the helper (as before) takes the trigger off: on moto as on Cognito.
    @Test func aPoolUpdateKeepsTheTriggerTheTemplateDeclares() async throws {
        let stack = try await makeStack(template: "new-user-pool") { bindings in
            bindings.attributes["UserPoolSMSRole.Arn"] = "arn:aws:iam::\(Moto.accountId):role/\(bindings.name)-sms"
            let declared = try #require(
                try IAMContract.policies(
                    templateFile: BuiltProducts.packageRoot.appendingPathComponent("cfn/new-user-pool.json").path,
                    stack: bindings
                ).resources["UserPool"])
            let created = try await CognitoIdentityProviderClient(configuration: Moto.configuration()).createUserPool(
                CloudFormationCalls.createUserPool(declared))
            bindings.refs["UserPool"] = try #require(created["Id"]?.stringValue)
        }
        let poolId = try #require(stack.bindings.refs["UserPool"])
        let harness = stack.harness
        let created = try await harness.cognito.describeUserPool(id: poolId)
        #expect(created["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == stack.senderArn)
        #expect(created["LambdaConfig"]["KMSKeyID"]?.stringValue == stack.keyArn)

        let create = try await harness.event(.create, properties: try stack.attachmentProperties())
        try await harness.run([create])
        _ = try await response(stack, create)
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: stack.senderArn).layers == [stack.layerArn])

        // An upgraded template tags the pool: CloudFormation sends UpdateUserPool with every property it declares.
        let upgraded = try editedTemplate(stack) { template in
            template["Resources"]["UserPool"]["Properties"]["UserPoolTags"] = ["team": "qa"]
        }
        defer { try? FileManager.default.removeItem(atPath: upgraded) }
        let declared = try #require(try stack.resolved(upgraded)["UserPool"])
        try await harness.cognito.updateUserPool(CloudFormationCalls.updateUserPool(id: poolId, declared))
        let updated = try await harness.cognito.describeUserPool(id: poolId)
        #expect(updated["UserPoolTags"]["team"]?.stringValue == "qa", "CloudFormation's update did not take effect")
        #expect(updated["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == stack.senderArn)
        #expect(updated["LambdaConfig"]["KMSKeyID"]?.stringValue == stack.keyArn)
        switch try await deliverACode(stack, poolId: poolId) {
        case let .success(code): #expect(code.hasPrefix("update-"))
        case let .failure(failure): Issue.record("after the pool update: \(failure)")
        }

        // The control: the pool as the template declared it before LambdaConfig was declared.
        var undeclared = declared
        undeclared["LambdaConfig"] = nil
        try await harness.cognito.updateUserPool(CloudFormationCalls.updateUserPool(id: poolId, undeclared))
        #expect(
            try await harness.cognito.describeUserPool(id: poolId)["LambdaConfig"]["CustomSMSSender"] == nil,
            "moto kept a trigger the update did not send: the check above would show nothing")
    }
}
