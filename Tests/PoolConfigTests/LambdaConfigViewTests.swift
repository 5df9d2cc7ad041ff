import AWSCore
import PoolConfig
import Testing

/// The typed view of `LambdaConfig`: what it reads, and that it hides nothing of the document.
struct LambdaConfigViewTests {
    static let pool: JSONValue = [
        "Id": "us-east-1_View",
        "LambdaConfig": [
            "PreSignUp": "arn:aws:lambda:us-east-1:111122223333:function:pre",
            "CustomSMSSender": ["LambdaArn": "arn:aws:lambda:us-east-1:111122223333:function:sender", "LambdaVersion": "V1_0"],
            "KMSKeyID": "arn:aws:kms:us-east-1:111122223333:key/1234",
            "SomeFutureTrigger": ["LambdaArn": "arn:aws:lambda:us-east-1:111122223333:function:future", "LambdaVersion": "V2_0"],
        ],
    ]

    @Test func readsTheSendersAndTheKey() {
        let config = Self.pool.lambdaConfig
        #expect(config.senderArn(.sms) == "arn:aws:lambda:us-east-1:111122223333:function:sender")
        #expect(config.senderVersion(.sms) == "V1_0")
        #expect(config.senderArn(.email) == nil)
        #expect(config.sender(.email) == nil)
        #expect(config.kmsKeyID == "arn:aws:kms:us-east-1:111122223333:key/1234")
    }

    @Test func keepsTheMembersItDoesNotKnow() {
        let document = Self.pool.lambdaConfig.document
        #expect(document == Self.pool["LambdaConfig"])
        #expect(document["SomeFutureTrigger"]?["LambdaVersion"]?.stringValue == "V2_0")
    }

    @Test func aPoolWithoutLambdaConfigReadsAsEmpty() {
        let bare: JSONValue = ["Id": "us-east-1_Bare"]
        #expect(bare.lambdaConfig.document == .object([:]))
        #expect(bare.lambdaConfig.senderArn(.sms) == nil && bare.lambdaConfig.kmsKeyID == nil)
        let missing: JSONValue? = nil
        #expect(missing.lambdaConfig.senderArn(.email) == nil)
    }

    @Test func theTriggerNamesAreCognitos() {
        #expect(CustomSenderTrigger.allCases.map(\.rawValue) == ["CustomSMSSender", "CustomEmailSender"])
    }
}
