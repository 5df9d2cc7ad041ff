import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

@Suite(.needsMoto)
struct LambdaTests {
    let lambda: LambdaClient
    init() throws {
        lambda = try LambdaClient(configuration: Moto.configuration())
    }

    static let emptyZip = MotoResources.emptyZip

    func makeFunction() async throws -> LambdaClient.FunctionConfiguration {
        try await MotoResources.makeFunction(environment: ["SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:codes"])
    }

    @Test func functionConfigurationAndLayers() async throws {
        let function = try await makeFunction()
        #expect(function.functionArn.hasSuffix(":function:\(function.functionName)"))
        #expect(function.layers.isEmpty)

        let fetched = try await lambda.getFunctionConfiguration(functionName: function.functionArn)
        #expect(fetched.functionName == function.functionName)
        #expect(fetched.environment["SNS_TOPIC_ARN"] == "arn:aws:sns:us-east-1:123456789012:codes")
        #expect(fetched.runtime == "provided.al2023")

        let layerName = Moto.uniqueName("encryption-sdk")
        let layer = try await lambda.publishLayerVersion(
            layerName: layerName, content: .zipFile(Self.emptyZip), description: "tests",
            compatibleRuntimes: ["provided.al2023"], compatibleArchitectures: ["x86_64"])
        #expect(layer.version == 1)
        #expect(layer.layerVersionArn == "\(layer.layerArn):1")
        #expect(try await lambda.getLayerVersion(layerName: layerName, version: 1) == layer)

        let updated = try await lambda.updateFunctionConfiguration(functionName: function.functionName, layers: [layer.layerVersionArn])
        #expect(updated.layers == [layer.layerVersionArn])
        #expect(try await lambda.getFunctionConfiguration(functionName: function.functionName).layers == [layer.layerVersionArn])
        let detached = try await lambda.updateFunctionConfiguration(functionName: function.functionName, layers: [])
        #expect(detached.layers.isEmpty)

        try await lambda.deleteLayerVersion(layerName: layerName, version: 1)
        let gone = try await #require(throws: AWSError.self) { try await lambda.getLayerVersion(layerName: layerName, version: 1) }
        #expect(gone.statusCode == 404)
    }

    @Test func layerFromS3() async throws {
        let s3 = try S3Client(configuration: Moto.configuration())
        let bucket = Moto.uniqueName("layers")
        try await s3.createBucket(name: bucket)
        try await s3.putObject(bucket: bucket, key: "layer.zip", body: Self.emptyZip)
        let layerName = Moto.uniqueName("from-s3")
        let layer = try await lambda.publishLayerVersion(layerName: layerName, content: .s3(bucket: bucket, key: "layer.zip"))
        #expect(layer.layerVersionArn.contains(":layer:\(layerName):"))
    }

    @Test func missingFunctionIsAServiceError() async throws {
        let error = try await #require(throws: AWSError.self) { try await lambda.getFunctionConfiguration(functionName: "no-such-function") }
        #expect(error.service == "Lambda")
        #expect(error.operation == "GetFunctionConfiguration")
        #expect(error.statusCode == 404)
        #expect(error.code == "ResourceNotFoundException")
        #expect(!error.message.isEmpty)
    }
}
