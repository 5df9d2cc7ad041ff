import AWSCore
import Foundation

/// AWS Lambda (restJson1): function configuration and layer versions.
public struct LambdaClient: Sendable {
    public static let service = ServiceDescriptor(serviceId: "Lambda", signingName: "lambda", endpointPrefix: "lambda", wireProtocol: .restJSON)

    public let client: AWSServiceClient

    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// The parts of a function's configuration this project reads; `document` keeps the rest.
    public struct FunctionConfiguration: Sendable, Equatable {
        public var functionName: String
        public var functionArn: String
        /// Attached layer version ARNs, in order.
        public var layers: [String]
        public var environment: [String: String]
        public var runtime: String?
        public var revisionId: String?
        public var document: JSONValue
    }

    public struct LayerVersion: Sendable, Equatable {
        public var layerArn: String
        public var layerVersionArn: String
        public var version: Int
    }

    /// Where a layer's zip comes from.
    public enum LayerContent: Sendable, Equatable {
        case s3(bucket: String, key: String)
        case zipFile(Data)
    }

    /// CreateFunction with `request` as the input document (FunctionName, Role, Code, …).
    public func createFunction(_ request: JSONValue) async throws -> FunctionConfiguration {
        let output = try await client.restJSON("CreateFunction", method: "POST", path: "/2015-03-31/functions", body: request)
        return try client.decoding("CreateFunction") { try Self.functionConfiguration(output) }
    }

    public func getFunctionConfiguration(functionName: String) async throws -> FunctionConfiguration {
        let output = try await client.restJSON("GetFunctionConfiguration", method: "GET", path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/configuration")
        return try client.decoding("GetFunctionConfiguration") { try Self.functionConfiguration(output) }
    }

    /// UpdateFunctionConfiguration for the members this project changes; nil leaves a member alone.
    /// `revisionId` makes the update fail if someone else changed the function meanwhile.
    public func updateFunctionConfiguration(functionName: String, layers: [String]? = nil, environment: [String: String]? = nil, revisionId: String? = nil) async throws -> FunctionConfiguration {
        var input: JSONValue = [:]
        if let layers { input["Layers"] = .array(layers.map { .string($0) }) }
        if let environment { input["Environment"] = ["Variables": environment.jsonValue] }
        if let revisionId { input["RevisionId"] = .string(revisionId) }
        let output = try await client.restJSON("UpdateFunctionConfiguration", method: "PUT",
                                               path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/configuration", body: input)
        return try client.decoding("UpdateFunctionConfiguration") { try Self.functionConfiguration(output) }
    }

    public func publishLayerVersion(layerName: String, content: LayerContent, description: String? = nil,
                                    compatibleRuntimes: [String] = [], compatibleArchitectures: [String] = []) async throws -> LayerVersion {
        var input: JSONValue = [:]
        switch content {
        case let .s3(bucket, key): input["Content"] = ["S3Bucket": .string(bucket), "S3Key": .string(key)]
        case let .zipFile(data): input["Content"] = ["ZipFile": .string(data.base64EncodedString())]
        }
        if let description { input["Description"] = .string(description) }
        if !compatibleRuntimes.isEmpty { input["CompatibleRuntimes"] = .array(compatibleRuntimes.map { .string($0) }) }
        if !compatibleArchitectures.isEmpty { input["CompatibleArchitectures"] = .array(compatibleArchitectures.map { .string($0) }) }
        let output = try await client.restJSON("PublishLayerVersion", method: "POST", path: "/2018-10-31/layers/\(AWSURIEncoding.encode(layerName))/versions", body: input)
        return try client.decoding("PublishLayerVersion") { try Self.layerVersion(output) }
    }

    public func getLayerVersion(layerName: String, version: Int) async throws -> LayerVersion {
        let output = try await client.restJSON("GetLayerVersion", method: "GET", path: "/2018-10-31/layers/\(AWSURIEncoding.encode(layerName))/versions/\(version)")
        return try client.decoding("GetLayerVersion") { try Self.layerVersion(output) }
    }

    public func deleteLayerVersion(layerName: String, version: Int) async throws {
        _ = try await client.rest("DeleteLayerVersion", method: "DELETE", path: "/2018-10-31/layers/\(AWSURIEncoding.encode(layerName))/versions/\(version)")
    }

    static func functionConfiguration(_ document: JSONValue) throws -> FunctionConfiguration {
        FunctionConfiguration(
            functionName: try document["FunctionName"].requiredString("FunctionName"),
            functionArn: try document["FunctionArn"].requiredString("FunctionArn"),
            layers: (document["Layers"]?.arrayValue ?? []).compactMap { $0["Arn"]?.stringValue },
            environment: (document["Environment"]?["Variables"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
            runtime: document["Runtime"]?.stringValue,
            revisionId: document["RevisionId"]?.stringValue,
            document: document)
    }

    static func layerVersion(_ document: JSONValue) throws -> LayerVersion {
        guard let version = document["Version"]?.intValue else { throw MissingFieldError(field: "Version") }
        return LayerVersion(layerArn: try document["LayerArn"].requiredString("LayerArn"),
                            layerVersionArn: try document["LayerVersionArn"].requiredString("LayerVersionArn"), version: version)
    }
}
