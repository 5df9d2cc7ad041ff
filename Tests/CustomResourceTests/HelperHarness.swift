import AWSCore
import AWSServices
import CustomResource
import Foundation
import LambdaLocal
import LambdaRuntime
import PoolJournal
import Testing
import TestSupport

/// A stack's worth of moto resources for the helper, and a way to send it CloudFormation events.
struct HelperHarness {
    let bucket: String
    let inbox: ResponseInbox
    let journalURI: String
    let cognito: CognitoIdentityProviderClient
    let lambda: LambdaClient
    let kms: KMSClient
    let stackId: String

    static func make(stackName: String = "sms-redirect-test") async throws -> HelperHarness {
        let bucket = try await MotoResources.makeBucket()
        return HelperHarness(
            bucket: bucket, inbox: try ResponseInbox(bucket: bucket), journalURI: "s3://\(bucket)/journal/stack.sqlite",
            cognito: try CognitoIdentityProviderClient(configuration: Moto.configuration()),
            lambda: try LambdaClient(configuration: Moto.configuration()), kms: try KMSClient(configuration: Moto.configuration()),
            stackId: "arn:aws:cloudformation:us-east-1:\(Moto.accountId):stack/\(stackName)/\(UUID().uuidString.lowercased())")
    }

    /// A pool, a sender function (with one unrelated layer already), a KMS key and our layer.
    struct Target {
        let poolId: String
        let original: JSONValue
        let function: LambdaClient.FunctionConfiguration
        let keyArn: String
        let layerArn: String
    }

    func makeTarget(fixture: String = "01-minimal") async throws -> Target {
        let key = try await kms.createKey(description: fixture)
        let created = try await cognito.createUserPool(try PoolFixtures.createRequest(fixture, kmsKeyArn: key.arn))
        let poolId = try #require(created["Id"]?.stringValue)
        let other = try await lambda.publishLayerVersion(layerName: Moto.uniqueName("other"), content: .zipFile(MotoResources.emptyZip))
        let function = try await MotoResources.makeFunction(layers: [other.layerVersionArn])
        let ours = try await lambda.publishLayerVersion(layerName: Moto.uniqueName("encryption-sdk"), content: .zipFile(MotoResources.emptyZip))
        return Target(
            poolId: poolId, original: try await cognito.describeUserPool(id: poolId), function: function, keyArn: key.arn, layerArn: ours.layerVersionArn)
    }

    func properties(_ target: Target, keyArn: String? = nil) -> [String: JSONValue] {
        [
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:helper", "ServiceTimeout": "300",
            "UserPoolId": .string(target.poolId), "SenderFunctionArn": .string(target.function.functionArn),
            "KmsKeyArn": .string(keyArn ?? target.keyArn), "LayerVersionArn": .string(target.layerArn),
        ]
    }

    func event(
        _ type: CustomResourceEvent.RequestType, properties: [String: JSONValue], physicalId: String? = nil,
        old: [String: JSONValue]? = nil, requestId: String = UUID().uuidString, stackId: String? = nil
    ) async throws -> CustomResourceEvent {
        let responseURL = try await inbox.url(for: requestId)
        // The ResponseURL is a secret: the run-wide check looks for its signature in all output.
        if let signature = responseURL.components(separatedBy: "X-Amz-Signature=").last { SecretLedger.record(.responseURLSignature, signature) }
        return CustomResourceEvent(
            requestType: type, responseURL: responseURL, stackId: stackId ?? self.stackId, requestId: requestId,
            resourceType: "Custom::SMSRedirectAttachment", logicalResourceId: "Attachment", physicalResourceId: physicalId,
            resourceProperties: properties, oldResourceProperties: old)
    }

    /// Runs the helper bootstrap on the events, one process for all (as a warm Lambda): the built
    /// one, or the shipped one inside `sandbox`.
    @discardableResult
    func run(
        _ events: [CustomResourceEvent], environment extra: [String: String] = [:], timeout: Duration = .seconds(120), log: String? = nil,
        sandbox: LambdaSandbox? = nil
    ) async throws -> LocalInvoker.Report {
        try await run(payloads: try events.map { try $0.jsonValue.data() }, environment: extra, timeout: timeout, log: log, sandbox: sandbox)
    }

    /// Runs the helper on raw event documents: what CloudFormation would never send, too.
    @discardableResult
    func run(
        payloads: [Data], environment extra: [String: String] = [:], timeout: Duration = .seconds(120), log: String? = nil,
        sandbox: LambdaSandbox? = nil
    ) async throws -> LocalInvoker.Report {
        var environment = [
            "JOURNAL_URI": journalURI, "AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        ]
        environment.merge(extra) { $1 }
        let output: ChildOutput = log.map { .file($0) } ?? .standardError
        let configuration =
            try sandbox.map { $0.invoker(environment: environment, functionName: "sms-redirect-helper", timeout: timeout, output: output) }
            ?? .init(
                executable: try BuiltProducts.path("helper"), environment: environment, inheritEnvironment: false,
                functionName: "sms-redirect-helper", region: "us-east-1", timeout: timeout, output: output)
        return try await LocalInvoker(configuration).invoke(events: payloads)
    }

    func journalEntries() async throws -> [JournalEntry] {
        let (bucket, key) = try RemoteJournalStore.parse(uri: journalURI)
        return try await RemoteJournalStore(bucket: bucket, key: key, storage: S3JournalStorage(s3: S3Client(configuration: Moto.configuration())))
            .read { try $0.all() }
    }
}
