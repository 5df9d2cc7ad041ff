import AWSCore
import AWSServices
import DemoScenario
import Foundation
import RedirectClient
import SMSSender
import StackDeploy
import Testing
import TestSupport

/// A code end to end through what the stack deployed: encrypted as Cognito encrypts it, sent to
/// the deployed sender as Cognito sends it (an asynchronous Lambda Invoke: ministack's Cognito does
/// not invoke custom senders), and read back with `smsredirect wait-code` from the stack's inbox.
@Suite struct DeployedCodeTests {
    let engine: Engine
    init() throws { engine = try Engine() }

    @Test(arguments: [TriggerSource.smsAuthentication, .emailForgotPassword])
    func aCodeSentToTheDeployedSenderArrivesInTheInbox(_ trigger: TriggerSource) async throws {
        let poolId = try await DemoPool.create(cognito: engine.cognito, name: Moto.uniqueName("code"))
        let name = Engine.stackName("code")
        let created = try await engine.create(
            name, template: try await engine.template("existing-user-pool"),
            parameters: ["UserPoolId": poolId, "EmailAddress": "codes@example.com", "SMSRoleArn": DemoPool.smsRoleArn, "RedirectEmail": "true"])
        try #require(created.succeeded, Engine.story(created))
        let outputs = created.stack.outputs
        let keyArn = try #require(outputs["KmsKeyArn"]), sender = try #require(outputs["SenderFunctionName"])
        let inbox = try #require(outputs["CodeInboxQueueUrl"]), failures = try #require(outputs["SenderFailuresQueueUrl"])

        let code = CognitoSimulator.makeCode()
        let phone = "+15555550142", email = "ana.\(UUID().uuidString.prefix(6))@example.com"
        let event = try await CognitoSimulator(kmsKeyArn: keyArn, kms: engine.kms).event(
            triggerSource: trigger, code: code, userPoolId: poolId, userName: "ana", phoneNumber: phone, email: email, region: engine.aws.region)
        SecretLedger.record(.code, code)
        SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
        let invocation = try await engine.lambda.invoke(functionName: sender, payload: try event.jsonValue.data(), type: .event)
        #expect(invocation.statusCode == 202)

        let filter = trigger.channel == .email ? ["--email", email] : ["--phone", phone]
        let wait = try await CommandRunner.run(
            try BuiltProducts.path("smsredirect"),
            [
                "wait-code", "--queue-url", inbox, "--failures-queue-url", failures, "--trigger", trigger.event, "--timeout",
                "\(Moto.arrivalTimeout.components.seconds)", "--json",
            ]
                + filter,
            environment: try Ministack.cliEnvironment())
        #expect(wait.status == 0, "\(wait.standardError)\nministack's log: \(Ministack.log)")
        let record = try JSONValue(data: Data(wait.standardOutput.utf8))
        #expect(record["code"]?.stringValue == code, "the code Cognito encrypted, decrypted by the deployed sender with its layer")
        #expect(record["triggerSource"]?.stringValue == trigger.rawValue)
        #expect(record["userPoolId"]?.stringValue == poolId)
        _ = try await engine.deployer.delete(stack: name)
    }
}
