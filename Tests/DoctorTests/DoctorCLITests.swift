import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// `smsredirect doctor` as a person and a script run it: by pool and sender, and by stack.
struct DoctorCLITests {
    @Test func healthyThenBrokenByPoolAndSender() async throws {
        let setup = try await DoctorSetup.make()
        defer { setup.removeJournal() }
        let smsredirect = try BuiltProducts.path("smsredirect")
        let arguments = ["doctor", "--user-pool-id", setup.stack.poolId, "--sender-arn", setup.stack.sender.functionArn, "--journal", setup.journalPath]

        let healthy = try await CommandRunner.run(smsredirect, arguments)
        #expect(healthy.status == 0, "\(healthy.standardOutput)\(healthy.standardError)")
        #expect(healthy.standardOutput.contains("✓ sender.invoke-permission"))
        #expect(healthy.standardOutput.contains("checks hold"))

        try await setup.lambda.removePermission(functionName: setup.stack.sender.functionName, statementId: "CognitoInvokesTheSender")
        let broken = try await CommandRunner.run(smsredirect, arguments + ["--json"])
        #expect(broken.status == 1, "\(broken.standardError)")
        let json = try JSONValue(data: Data(broken.standardOutput.utf8))
        #expect(json["healthy"]?.boolValue == false)
        let failed = json["checks"]?.arrayValue?.filter { $0["status"]?.stringValue == "fail" } ?? []
        #expect(failed.map { $0["id"]?.stringValue } == ["sender.invoke-permission"])
        #expect(failed.first?["fix"]?.stringValue?.contains("aws lambda add-permission") == true)

        let text = try await CommandRunner.run(smsredirect, arguments + ["--flow", "sms-sign-up"])
        #expect(text.status == 1)
        #expect(
            text.standardOutput.contains("✗ sender.invoke-permission") && text.standardOutput.contains("fix: aws lambda add-permission"),
            "\(text.standardOutput)")
        #expect(!text.standardOutput.contains("flow.sms-mfa"), "--flow narrows the flows checked")
    }

    @Test func byStackOutputs() async throws {
        let setup = try await DoctorSetup.make()
        defer { setup.removeJournal() }
        let stack = setup.stack
        // A stack whose outputs are the demo's resources (moto cannot run the real templates' custom resource).
        let name = Moto.uniqueName("sms-redirect")
        let template: JSONValue = [
            "Parameters": ["RedirectEmail": ["Type": "String", "Default": "false"]],
            "Resources": ["Placeholder": ["Type": "AWS::CloudFormation::WaitConditionHandle"]],
            "Outputs": [
                "UserPoolId": ["Value": .string(stack.poolId)], "SenderFunctionName": ["Value": .string(stack.sender.functionName)],
                "SNSTopicArn": ["Value": .string(stack.topicArn)], "CodeInboxQueueUrl": ["Value": .string(stack.inboxUrl)],
                "SenderFailuresQueueUrl": ["Value": .string(stack.failuresUrl)], "JournalBucketName": ["Value": .string(stack.bucket)],
            ],
        ]
        let cloudFormation = try CloudFormationClient(configuration: setup.aws)
        _ = try await cloudFormation.createStack(name: name, templateBody: template.jsonString, parameters: ["RedirectEmail": "true"])
        // The stack's journal is s3://BUCKET/journal/STACK.sqlite: the local one's bytes, put there.
        try await S3Client(configuration: setup.aws).putObject(
            bucket: stack.bucket, key: "journal/\(name).sqlite",
            body: try Data(contentsOf: URL(fileURLWithPath: setup.journalPath)))
        let smsredirect = try BuiltProducts.path("smsredirect")
        let result = try await CommandRunner.run(smsredirect, ["doctor", "--stack", name])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("✓ stack.status: \(name) is CREATE_COMPLETE"))
        #expect(result.standardOutput.contains("✓ pool.email-sender"), "RedirectEmail=true from the stack's parameters")
        #expect(result.standardOutput.contains("✓ journal.attachment"), "\(result.standardOutput)")

        let missing = try await CommandRunner.run(smsredirect, ["doctor", "--stack", "no-such-stack"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("could not read the stack no-such-stack"), "\(missing.standardError)")
        let both = try await CommandRunner.run(smsredirect, ["doctor", "--stack", name, "--user-pool-id", stack.poolId])
        #expect(both.status == 64)
        #expect(both.standardError.contains("not both"))
    }
}
