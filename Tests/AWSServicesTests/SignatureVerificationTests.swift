import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// A real verifier: the second moto server checks SigV4 once its first three actions (the IAM
/// set-up below) are spent. A correct signature passes; a wrong secret gets SignatureDoesNotMatch.
///
/// Lambda is left out: moto's Lambda rejects correctly signed requests too (its signature check
/// does not match the service's REST paths), so it would prove nothing either way.
@Suite(.serialized, .needsMoto)
struct SignatureVerificationTests {
    static let verifiedCredentials: Task<AWSCredentials, any Error> = Task {
        let iam = try IAMTestClient(configuration: Moto.configuration(endpointVariable: "MOTO_AUTH_ENDPOINT_URL"))
        // Exactly three actions: the server starts verifying after them.
        try await iam.createUser(name: "signer")
        let credentials = try await iam.createAccessKey(userName: "signer")
        try await iam.putUserPolicy(
            userName: "signer", policyName: "all",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        return credentials
    }

    func configuration(wrongSecret: Bool) async throws -> AWSClientConfiguration {
        var credentials = try await Self.verifiedCredentials.value
        if wrongSecret { credentials.secretAccessKey += "x" }
        return try Moto.configuration(credentials: credentials, endpointVariable: "MOTO_AUTH_ENDPOINT_URL", retry: .none)
    }

    func expectSignatureMismatch(_ body: () async throws -> Void) async {
        await #expect {
            try await body()
        } throws: { error in
            guard let error = error as? AWSError else { return false }
            return error.code == "SignatureDoesNotMatch" && error.statusCode == 403
        }
    }

    @Test func cognito() async throws {
        let good = try CognitoIdentityProviderClient(configuration: await configuration(wrongSecret: false))
        let pool = try await good.createUserPool(["PoolName": "signed"])
        let poolId = try #require(pool["Id"]?.stringValue)
        #expect(try await good.describeUserPool(id: poolId)["Name"]?.stringValue == "signed")
        let bad = try CognitoIdentityProviderClient(configuration: await configuration(wrongSecret: true))
        await expectSignatureMismatch { _ = try await bad.describeUserPool(id: poolId) }
    }

    @Test func kms() async throws {
        let good = try KMSClient(configuration: await configuration(wrongSecret: false))
        let key = try await good.createKey()
        let encrypted = try await good.encrypt(keyId: key.arn, plaintext: Data("123456".utf8), encryptionContext: ["userpool-id": "p"])
        #expect(try await good.decrypt(ciphertextBlob: encrypted.ciphertextBlob, encryptionContext: ["userpool-id": "p"]).plaintext == Data("123456".utf8))
        let bad = try KMSClient(configuration: await configuration(wrongSecret: true))
        await expectSignatureMismatch { _ = try await bad.describeKey(keyId: key.keyId) }
    }

    @Test func snsAndSqs() async throws {
        let goodSNS = try SNSClient(configuration: await configuration(wrongSecret: false))
        let topic = try await goodSNS.createTopic(name: "signed-topic")
        _ = try await goodSNS.publish(topicArn: topic, message: "hello", subject: "signed")
        let goodSQS = try SQSClient(configuration: await configuration(wrongSecret: false))
        let queue = try await goodSQS.createQueue(name: "signed-queue")
        #expect(try await goodSQS.getQueueUrl(name: "signed-queue") == queue)

        let badSNS = try SNSClient(configuration: await configuration(wrongSecret: true))
        await expectSignatureMismatch { _ = try await badSNS.createTopic(name: "unsigned-topic") }
        let badSQS = try SQSClient(configuration: await configuration(wrongSecret: true))
        await expectSignatureMismatch { _ = try await badSQS.getQueueUrl(name: "signed-queue") }
    }

    /// The key has a space and a slash. Not a non-ASCII letter, `+` or `=`: moto's S3 verifier
    /// rejects those even from boto3 (checked by hand), so they would test moto, not this signer.
    @Test func s3() async throws {
        let good = try S3Client(configuration: await configuration(wrongSecret: false))
        try await good.createBucket(name: "signed-bucket")
        try await good.putObject(bucket: "signed-bucket", key: "a b/c.txt", body: Data("signed".utf8))
        #expect(try await good.getObject(bucket: "signed-bucket", key: "a b/c.txt").body == Data("signed".utf8))
        let bad = try S3Client(configuration: await configuration(wrongSecret: true))
        await expectSignatureMismatch { _ = try await bad.getObject(bucket: "signed-bucket", key: "a b/c.txt") }
    }
}
