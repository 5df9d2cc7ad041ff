import AWSCore
import CustomResource
import Foundation
import LambdaRuntime
import Logging
import Testing
import TestSupport

/// The attachment's properties: what makes an Update re-run it, and what keeps its id.
@Suite(.tags(.unit))
struct AttachmentSpecTests {
    let base: [String: JSONValue] = [
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:helper", "UserPoolId": "us-east-1_Spec",
        "SenderFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:sender",
        "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001",
        "LayerVersionArn": "arn:aws:lambda:us-east-1:123456789012:layer:esdk:3",
        "SenderConfiguration": ["MemorySize": "256", "Environment": ["Variables": ["SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:codes"]]],
    ]

    /// A change of the sender's configuration is a change (so the provider re-attaches) of the same
    /// attachment (so CloudFormation sends no Delete that would take the redirect off).
    @Test func theSendersConfigurationChangesTheSpecButNotTheId() throws {
        var changed = base
        changed["SenderConfiguration"]["MemorySize"] = "512"
        let before = try AttachmentSpec(properties: base), after = try AttachmentSpec(properties: changed)
        #expect(before != after)
        #expect(before.attachmentId == after.attachmentId)
        var otherLayer = base
        otherLayer["LayerVersionArn"] = "arn:aws:lambda:us-east-1:123456789012:layer:esdk:4"
        #expect(try AttachmentSpec(properties: otherLayer).attachmentId != before.attachmentId)
    }

    @Test func aSenderConfigurationThatIsNotAnObjectIsNamed() throws {
        var wrong = base
        wrong["SenderConfiguration"] = "256"
        #expect {
            try AttachmentSpec(properties: wrong)
        } throws: { error in
            "\(error)".contains("SenderConfiguration must be an object")
        }
    }
}

extension AttachmentSpecTests {
    @Test func theAttachmentIdReadsBackIntoItsParts() throws {
        let spec = AttachmentSpec(
            userPoolId: "us-east-1_Abc", senderFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:sender",
            kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1", layer: .none)
        let parsed = try #require(AttachmentID(rawValue: spec.attachmentId))
        #expect(parsed == spec.id)
        #expect(parsed.poolId == "us-east-1_Abc" && parsed.senderFunctionName == "sender" && parsed.digest.count == 12)
        #expect(AttachmentID(rawValue: "failed-6f1c") == nil)
        #expect(AttachmentID(rawValue: "a|b|c|d") == nil && AttachmentID(rawValue: "a||c") == nil)
    }
}

/// One environment value wires a Lambda: its settings and its AWS configuration come from it,
/// not the AWS configuration from the process behind the handler's back.
struct HandlerWiringTests {
    @Test func theHelperTakesItsAWSConfigurationFromTheEnvironmentItIsGiven() throws {
        let environment = LambdaEnvironment([
            "JOURNAL_URI": NSTemporaryDirectory() + "wiring-\(UUID().uuidString).sqlite", "AWS_REGION": "eu-west-3",
            "AWS_ACCESS_KEY_ID": "AKIAWIRING", "AWS_SECRET_ACCESS_KEY": "wiring-secret",
        ])
        let handler = try HelperHandler.make(environment: environment, logger: Logger(label: "test"))
        let provider = try #require(handler.lifecycle.provider as? SMSRedirectProvider)
        #expect(provider.attacher.region == "eu-west-3", "the process runs in us-east-1; the function's environment says eu-west-3")
        #expect(throws: MissingEnvironmentVariable(name: "JOURNAL_URI")) {
            _ = try HelperHandler.make(environment: LambdaEnvironment(["AWS_REGION": "eu-west-3"]), logger: Logger(label: "test"))
        }
    }

    @Test func theProcessEnvironmentListsEveryVariable() {
        let values = LambdaEnvironment.process.values
        #expect(values["PATH"] == ProcessInfo.processInfo.environment["PATH"] && values["PATH"] != nil)
        #expect(values.count == ProcessInfo.processInfo.environment.count)
    }
}
