import AWSCore
import Foundation
import Testing
import TestSupport

/// The intrinsic functions the IAM contract reads the templates through: if one resolved wrongly,
/// the contract would evaluate policies the stack never has.
@Suite(.tags(.unit)) struct CloudFormationResolverTests {
    static let template: JSONValue = [
        "Parameters": [
            "Pool": ["Type": "String"],
            "Retention": ["Type": "Number", "Default": 14],
            "Encrypt": ["Type": "String", "Default": "false"],
            "Role": ["Type": "String", "Default": ""],
        ],
        "Conditions": [
            "Encrypted": ["Fn::Equals": [["Ref": "Encrypt"], "true"]],
            "HasRole": ["Fn::Not": [["Fn::Equals": [["Ref": "Role"], ""]]]],
            "Both": ["Fn::And": [["Condition": "Encrypted"], ["Condition": "HasRole"]]],
            "Either": ["Fn::Or": [["Condition": "Encrypted"], ["Condition": "HasRole"]]],
        ],
        "Resources": [
            "Topic": ["Type": "AWS::SNS::Topic"],
            "Bucket": ["Type": "AWS::S3::Bucket"],
            "SenderRole": ["Type": "AWS::IAM::Role"],
            "Key": ["Type": "AWS::KMS::Key"],
            "Queue": ["Type": "AWS::SQS::Queue"],
            "Logs": ["Type": "AWS::Logs::LogGroup", "Properties": ["LogGroupName": ["Fn::Sub": "/aws/lambda/${AWS::StackName}-sender"]]],
            "Thing": ["Type": "AWS::Some::Thing"],
        ],
    ]

    func resolver(_ parameters: [String: String] = ["Pool": "us-east-1_P"], refs: [String: String] = [:], attributes: [String: String] = [:])
        -> CloudFormationResolver
    {
        CloudFormationResolver(
            template: Self.template,
            stack: IAMContract.Stack(name: "s", place: .init(account: "111122223333"), parameters: parameters, refs: refs, attributes: attributes))
    }

    @Test func parametersAndPseudoParameters() throws {
        let r = resolver()
        #expect(try r.ref("Pool") == "us-east-1_P")
        #expect(try r.ref("Retention") == "14")
        #expect(try r.ref("AWS::AccountId") == "111122223333")
        #expect(try r.ref("AWS::Region") == "us-east-1")
        #expect(try r.ref("AWS::Partition") == "aws")
        #expect(try r.ref("AWS::StackName") == "s")
        #expect(try r.ref("AWS::StackId").hasPrefix("arn:aws:cloudformation:us-east-1:111122223333:stack/s/"))
        // A parameter without a default must be given.
        #expect(throws: IAMContract.Unusable.self) { try resolver([:]).ref("Pool") }
        #expect(throws: IAMContract.Unusable.self) { try r.ref("Nowhere") }
    }

    @Test func resourcesAreMadeUpByKindUnlessBound() throws {
        let r = resolver()
        #expect(try r.ref("Topic") == "arn:aws:sns:us-east-1:111122223333:s-Topic-TEST")
        #expect(try r.ref("Bucket") == "s-bucket-test")
        #expect(try r.ref("Queue") == "https://sqs.us-east-1.amazonaws.com/111122223333/s-Queue-TEST")
        #expect(try r.ref("Logs") == "/aws/lambda/s-sender")
        #expect(try r.getAtt("SenderRole", "Arn") == "arn:aws:iam::111122223333:role/s-SenderRole-TEST")
        #expect(try r.getAtt("Bucket", "Arn") == "arn:aws:s3:::s-bucket-test")
        #expect(try r.getAtt("Queue", "Arn") == "arn:aws:sqs:us-east-1:111122223333:s-Queue-TEST")
        #expect(try r.getAtt("Logs", "Arn") == "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/s-sender:*")
        #expect(try r.getAtt("Key", "Arn").hasPrefix("arn:aws:kms:us-east-1:111122223333:key/"))
        #expect(throws: IAMContract.Unusable.self) { try r.getAtt("Thing", "Arn") }
        let bound = resolver(refs: ["Topic": "arn:aws:sns:us-east-1:111122223333:real"], attributes: ["Key.Arn": "arn:aws:kms:us-east-1:111122223333:key/real"])
        #expect(try bound.ref("Topic") == "arn:aws:sns:us-east-1:111122223333:real")
        #expect(try bound.getAtt("Key", "Arn") == "arn:aws:kms:us-east-1:111122223333:key/real")
    }

    @Test func subSelectSplitJoin() throws {
        let r = resolver()
        #expect(
            try r.resolve(["Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${Pool}"])
                == "arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_P")
        #expect(try r.resolve(["Fn::Sub": "${Bucket.Arn}/journal/${AWS::StackName}.sqlite"]) == "arn:aws:s3:::s-bucket-test/journal/s.sqlite")
        #expect(try r.resolve(["Fn::Sub": ["${Name}-${AWS::Region}", ["Name": ["Ref": "Pool"]]]]) == "us-east-1_P-us-east-1")
        #expect(try r.resolve(["Fn::Select": [2, ["Fn::Split": ["/", ["Ref": "AWS::StackId"]]]]]) == "00000000-0000-4000-8000-000000000000")
        #expect(try r.resolve(["Fn::Join": [":", ["a", ["Ref": "Pool"], "c"]]]) == "a:us-east-1_P:c")
        #expect(throws: IAMContract.Unusable.self) { try r.resolve(["Fn::Select": [5, ["a"]]]) }
    }

    @Test func conditionsAndNoValue() throws {
        let off = resolver(), on = resolver(["Pool": "p", "Encrypt": "true", "Role": "arn:aws:iam::1:role/r"])
        #expect(try !off.condition("Encrypted") && !off.condition("HasRole") && !off.condition("Both") && !off.condition("Either"))
        #expect(try on.condition("Encrypted") && on.condition("HasRole") && on.condition("Both") && on.condition("Either"))
        #expect(try resolver(["Pool": "p", "Encrypt": "true"]).condition("Either"))
        #expect(throws: IAMContract.Unusable.self) { try off.condition("Missing") }
        let statements: JSONValue = ["Statement": ["kept", ["Fn::If": ["Encrypted", "encrypted", ["Ref": "AWS::NoValue"]]]], "Key": ["Ref": "AWS::NoValue"]]
        #expect(try off.resolve(statements) == ["Statement": ["kept"]])
        #expect(try on.resolve(statements) == ["Statement": ["kept", "encrypted"]])
    }

    /// Both templates resolve whole, for either choice of each condition the contract varies: an
    /// intrinsic the resolver does not model would throw here, not in the middle of the contract.
    @Test func bothTemplatesResolveWhole() throws {
        for file in ["existing-user-pool.json", "new-user-pool.json"] {
            let template = try JSONValue(data: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("cfn/\(file)")))
            for encrypt in ["true", "false"] {
                for role in ["", "arn:aws:iam::123456789012:role/sms"] {
                    let stack = IAMContract.Stack(
                        parameters: ["UserPoolId": "us-east-1_P", "EmailAddress": "a@b.c", "OptInSNSTopicEncryptionInput": encrypt, "SMSRoleArn": role])
                    let resolver = CloudFormationResolver(template: template, stack: stack)
                    for (id, resource) in template["Resources"]?.objectValue ?? [:] {
                        if let condition = resource["Condition"]?.stringValue, try !resolver.condition(condition) { continue }
                        let resolved = try resolver.resolve(resource["Properties"] ?? [:])
                        #expect(!(resolved?.jsonString.contains("\"Fn::") ?? false), "\(file) \(id): an intrinsic is left unresolved")
                        #expect(!(resolved?.jsonString.contains("{\"Ref\"") ?? false), "\(file) \(id): a Ref is left unresolved")
                    }
                }
            }
        }
    }
}
