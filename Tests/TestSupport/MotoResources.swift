import AWSCore
import AWSServices
import Foundation

/// Resources the tests make on moto again and again.
public enum MotoResources {
    /// The smallest valid zip: an end-of-central-directory record and nothing else.
    public static let emptyZip = Data([0x50, 0x4B, 0x05, 0x06] + Array(repeating: 0, count: 18))

    /// A Lambda function (moto wants its role to exist), optionally with layers already attached.
    public static func makeFunction(name: String = Moto.uniqueName("sender"), layers: [String] = [], environment: [String: String] = [:]) async throws
        -> LambdaClient.FunctionConfiguration
    {
        let role = try await IAMTestClient(configuration: Moto.configuration()).createLambdaRole(name: Moto.uniqueName("role"))
        var request: JSONValue = [
            "FunctionName": .string(name), "Runtime": "provided.al2023", "Handler": "bootstrap", "Role": .string(role),
            "Code": ["ZipFile": .string(emptyZip.base64EncodedString())],
        ]
        if !layers.isEmpty { request["Layers"] = .array(layers.map { .string($0) }) }
        if !environment.isEmpty { request["Environment"] = ["Variables": environment.jsonValue] }
        let lambda = try LambdaClient(configuration: Moto.configuration())
        do {
            return try await lambda.createFunction(request)
        } catch let error as AWSError where error.isAlreadyExists {
            // The name is this call's own: a retry whose first attempt landed (its answer lost
            // or late) finds the function it made. No test depends on which attempt made it.
            return try await lambda.getFunctionConfiguration(functionName: name)
        }
    }

    /// A codes topic and an inbox queue subscribed to it, as the templates make them.
    public static func makeSubscribedInbox(sns: SNSClient, sqs: SQSClient) async throws -> (topic: String, queueUrl: String) {
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        guard let queueArn = try await sqs.getQueueAttributes(queueUrl: queue)["QueueArn"] else { throw MissingFieldError(field: "QueueArn") }
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: queueArn)
        return (topic, queue)
    }

    /// The messages a queue holds, visible or not: what a test counts to see nothing was lost or left.
    public static func messagesHeld(by queueUrl: String, sqs: SQSClient) async throws -> Int {
        let attributes = try await sqs.getQueueAttributes(queueUrl: queueUrl)
        return (Int(attributes["ApproximateNumberOfMessages"] ?? "") ?? 0) + (Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0)
    }

    /// Deletes a pool; one already gone counts as deleted (a retried delete whose first attempt
    /// landed gets ResourceNotFoundException).
    public static func deleteUserPool(_ id: String, with cognito: CognitoIdentityProviderClient) async throws {
        do {
            try await cognito.deleteUserPool(id: id)
        } catch let error as AWSError where error.isNotFound {}
    }

    /// A bucket for CloudFormation responses and journals.
    public static func makeBucket(_ prefix: String = "cfn") async throws -> String {
        let name = Moto.uniqueName(prefix)
        do {
            try await S3Client(configuration: Moto.configuration()).createBucket(name: name)
        } catch let error as AWSError where error.isAlreadyExists {
            // A retried create whose first attempt landed: the bucket is this call's own.
        }
        return name
    }
}

/// The S3 objects CloudFormation would read: a presigned PUT URL per request, read back after.
public struct ResponseInbox: Sendable {
    public let bucket: String
    let s3: S3Client

    public init(bucket: String) throws {
        self.bucket = bucket
        s3 = try S3Client(configuration: Moto.configuration())
    }

    public func url(for requestId: String) async throws -> String {
        try await s3.presignedPutURL(bucket: bucket, key: "responses/\(requestId)", expires: .seconds(3600))
    }

    /// The response PUT for a request, parsed.
    public func response(for requestId: String) async throws -> JSONValue {
        try JSONValue(data: try await s3.getObject(bucket: bucket, key: "responses/\(requestId)").body)
    }

    /// Overwrites a request's stored response with `{}`, so that a test of a repeated delivery
    /// sees the second answer arrive rather than reading the first one again.
    public func clear(for requestId: String) async throws {
        _ = try await s3.putObject(bucket: bucket, key: "responses/\(requestId)", body: Data("{}".utf8))
    }

    /// The raw bytes PUT (to check the 4096-byte limit).
    public func rawResponse(for requestId: String) async throws -> Data {
        try await s3.getObject(bucket: bucket, key: "responses/\(requestId)").body
    }
}
