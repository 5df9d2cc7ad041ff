import AWSCore
import Testing
import TestSupport

@Suite(.tags(.unit))
struct ARNTests {
    @Test func theFieldsAndTheLambdaResourcesReadBack() throws {
        let function = try #require(ARN("arn:aws:lambda:us-east-1:123456789012:function:sender:live"))
        #expect(function.partition == "aws" && function.service == "lambda" && function.region == "us-east-1" && function.account == "123456789012")
        #expect(function.lambdaFunctionName == "sender", "a qualifier after the name is not part of it")
        let layer = try #require(ARN("arn:aws-cn:lambda:cn-north-1:123456789012:layer:esdk:12"))
        #expect(layer.lambdaLayerVersion?.name == "esdk" && layer.lambdaLayerVersion?.version == 12)
        #expect(layer.lambdaFunctionName == nil)
        let key = try #require(ARN("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"))
        #expect(
            key.resource == "key/1234abcd-12ab-34cd-56ef-1234567890ab"
                && key.description == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        #expect(ARN("arn:aws:s3:::my-bucket")?.account == "")
    }

    @Test(arguments: [
        "", "sender", "arn:aws:lambda", "arn::lambda:us-east-1:1:function:x", "arn:aws:lambda:us-east-1:1:", "aws:lambda:us-east-1:1:function:x:y",
    ])
    func whatIsNotAnARNIsNil(_ text: String) {
        #expect(ARN(text) == nil)
    }
}
