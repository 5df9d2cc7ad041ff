import AWSCore
import AWSServices
import Foundation
import RedirectClient
import SMSSender
import Testing
import TestSupport

extension StackEngine {
    /// What a code sent through a deployed stack came to.
    struct Delivery {
        /// The plaintext code Cognito would have sent.
        var sent: String
        /// `smsredirect wait-code --json` on the stack's inbox.
        var wait: CommandResult
        /// The record it printed; nil when it printed none.
        var record: JSONValue? { try? JSONValue(data: Data(wait.standardOutput.utf8)) }
    }

    /// A code through what the stack deployed: encrypted as Cognito encrypts it under the stack's
    /// key, sent to the deployed sender as Cognito sends it (an asynchronous Lambda Invoke:
    /// ministack's Cognito invokes no custom sender), and read back with `smsredirect wait-code`
    /// from the stack's inbox (a failure in its failures queue is reported there).
    func sendACode(_ trigger: TriggerSource, through stack: CloudFormationClient.Stack, poolId: String) async throws -> Delivery {
        let keyArn = try #require(stack.outputs["KmsKeyArn"]), sender = try #require(stack.outputs["SenderFunctionName"])
        let inbox = try #require(stack.outputs["CodeInboxQueueUrl"]), failures = try #require(stack.outputs["SenderFailuresQueueUrl"])
        let code = CognitoSimulator.makeCode()
        let phone = "+1555555\(String(format: "%04d", Int.random(in: 0...9999)))", email = "ana.\(UUID().uuidString.prefix(6))@example.com"
        let event = try await CognitoSimulator(kmsKeyArn: keyArn, kms: kms).event(
            triggerSource: trigger, code: code, userPoolId: poolId, userName: "ana", phoneNumber: phone, email: email, region: aws.region)
        SecretLedger.record(.code, code)
        SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
        let invocation = try await lambda.invoke(functionName: sender, payload: try event.jsonValue.data(), type: .event)
        #expect(invocation.statusCode == 202, "Lambda queues an asynchronous invocation")
        let filter = trigger.channel == .email ? ["--email", email] : ["--phone", phone]
        let wait = try await CommandRunner.run(
            try BuiltProducts.path("smsredirect"),
            [
                "wait-code", "--queue-url", inbox, "--failures-queue-url", failures, "--trigger", trigger.event,
                "--timeout", "\(Moto.arrivalTimeout.components.seconds)", "--json",
            ] + filter,
            environment: try Ministack.cliEnvironment())
        return Delivery(sent: code, wait: wait)
    }

}
