import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS Lambda (restJson1): function configuration and layer versions.
public struct LambdaClient: Sendable {
    /// Lambda on the wire: restJson1, signed as `lambda`.
    public static let service = ServiceDescriptor(serviceId: "Lambda", signingName: "lambda", endpointPrefix: "lambda", wireProtocol: .restJSON)

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_LAMBDA` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// The parts of a function's configuration this project reads; `document` keeps the rest.
    public struct FunctionConfiguration: Sendable, Equatable {
        /// `FunctionName`: the function's name (not its ARN).
        public var functionName: String
        /// `FunctionArn`: the function's ARN.
        public var functionArn: String
        /// Attached layer version ARNs, in order.
        public var layers: [String]
        /// `Environment.Variables`; empty when the function has none.
        public var environment: [String: String]
        /// `Runtime`, e.g. `provided.al2023`; nil for container-image functions.
        public var runtime: String?
        /// `RevisionId`: pass it to an update to refuse losing a concurrent change.
        public var revisionId: String?
        /// The whole `FunctionConfiguration` document as Lambda returned it.
        public var document: JSONValue
    }

    /// A published layer version.
    public struct LayerVersion: Sendable, Equatable {
        /// `LayerArn`: the layer's ARN without a version.
        public var layerArn: String
        /// `LayerVersionArn`: the ARN ending in `:VERSION`, as a function's `Layers` lists it.
        public var layerVersionArn: String
        /// `Version`: the version number, counting from 1.
        public var version: Int
    }

    /// Where a layer's zip comes from.
    public enum LayerContent: Sendable, Equatable {
        case s3(bucket: String, key: String)
        case zipFile(Data)
    }

    /// CreateFunction with `request` as the input document (FunctionName, Role, Code, …).
    public func createFunction(_ request: JSONValue) async throws -> FunctionConfiguration {
        let output = try await client.restJSON("CreateFunction", method: .POST, path: "/2015-03-31/functions", body: request)
        return try client.decoding("CreateFunction") { try Self.functionConfiguration(output) }
    }

    /// GetFunctionConfiguration of the unpublished version; `functionName` may be a name or an ARN.
    public func getFunctionConfiguration(functionName: String) async throws -> FunctionConfiguration {
        let output = try await client.restJSON(
            "GetFunctionConfiguration", method: .GET, path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/configuration")
        return try client.decoding("GetFunctionConfiguration") { try Self.functionConfiguration(output) }
    }

    /// UpdateFunctionConfiguration for the members this project changes; nil leaves a member alone.
    /// `revisionId` makes the update fail if someone else changed the function meanwhile.
    public func updateFunctionConfiguration(functionName: String, layers: [String]? = nil, environment: [String: String]? = nil, revisionId: String? = nil)
        async throws -> FunctionConfiguration
    {
        var input: JSONValue = [:]
        if let layers { input["Layers"] = .array(layers.map { .string($0) }) }
        if let environment { input["Environment"] = ["Variables": environment.jsonValue] }
        if let revisionId { input["RevisionId"] = .string(revisionId) }
        let output = try await client.restJSON(
            "UpdateFunctionConfiguration", method: .PUT,
            path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/configuration", body: input)
        return try client.decoding("UpdateFunctionConfiguration") { try Self.functionConfiguration(output) }
    }

    /// PublishLayerVersion: a new version of `layerName` (created if new); empty lists are not sent.
    public func publishLayerVersion(
        layerName: String, content: LayerContent, description: String? = nil,
        compatibleRuntimes: [String] = [], compatibleArchitectures: [String] = []
    ) async throws -> LayerVersion {
        var input: JSONValue = [:]
        switch content {
        case let .s3(bucket, key): input["Content"] = ["S3Bucket": .string(bucket), "S3Key": .string(key)]
        case let .zipFile(data): input["Content"] = ["ZipFile": .string(data.base64EncodedString())]
        }
        if let description { input["Description"] = .string(description) }
        if !compatibleRuntimes.isEmpty { input["CompatibleRuntimes"] = .array(compatibleRuntimes.map { .string($0) }) }
        if !compatibleArchitectures.isEmpty { input["CompatibleArchitectures"] = .array(compatibleArchitectures.map { .string($0) }) }
        let output = try await client.restJSON(
            "PublishLayerVersion", method: .POST, path: "/2018-10-31/layers/\(AWSURIEncoding.encode(layerName))/versions", body: input)
        return try client.decoding("PublishLayerVersion") { try Self.layerVersion(output) }
    }

    /// GetLayerVersion; a deleted or unknown version throws an ``AWSError`` with `isNotFound`.
    public func getLayerVersion(layerName: String, version: Int) async throws -> LayerVersion {
        let output = try await client.restJSON(
            "GetLayerVersion", method: .GET, path: "/2018-10-31/layers/\(AWSURIEncoding.encode(layerName))/versions/\(version)")
        return try client.decoding("GetLayerVersion") { try Self.layerVersion(output) }
    }

    /// DeleteLayerVersion; functions that already use the version keep it.
    public func deleteLayerVersion(layerName: String, version: Int) async throws {
        _ = try await client.rest("DeleteLayerVersion", method: .DELETE, path: "/2018-10-31/layers/\(AWSURIEncoding.encode(layerName))/versions/\(version)")
    }

    /// How Invoke runs a function: waiting for its answer, or queued as Cognito and
    /// CloudFormation invoke (`Event`: Lambda retries a failure and sends it to the on-failure
    /// destination).
    public enum InvocationType: String, Sendable {
        case requestResponse = "RequestResponse"
        case event = "Event"
    }

    /// What Invoke answered.
    public struct Invocation: Sendable, Equatable {
        /// The HTTP status: 200 for a `RequestResponse` call, 202 for an `Event`.
        public var statusCode: Int
        /// `X-Amz-Function-Error` (`Unhandled`) when the function returned an error.
        public var functionError: String?
        /// What the function returned (its error document when it failed); empty for an `Event`.
        public var payload: Data
    }

    /// Invoke: runs the function's unpublished version with `payload` as its event. A function
    /// that fails is not an error here: ``Invocation/functionError`` says so.
    public func invoke(functionName: String, payload: Data, type: InvocationType = .requestResponse, timeout: Duration? = nil) async throws -> Invocation {
        let response = try await client.rest(
            "Invoke", method: .POST, path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/invocations",
            headers: [("X-Amz-Invocation-Type", type.rawValue), ("Content-Type", "application/json")], body: payload, timeout: timeout)
        let functionError = response.headers.first { $0.name.lowercased() == "x-amz-function-error" }?.value
        return Invocation(statusCode: response.status, functionError: functionError, payload: response.body)
    }

    /// GetPolicy: the function's resource-based policy, parsed; a function with none throws an
    /// ``AWSError`` with `isNotFound` (Lambda's ResourceNotFoundException).
    public func getPolicy(functionName: String) async throws -> JSONValue {
        let output = try await client.restJSON("GetPolicy", method: .GET, path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/policy")
        return try client.decoding("GetPolicy") { try JSONValue(data: Data(try output["Policy"].requiredString("Policy").utf8)) }
    }

    /// AddPermission: lets `principal` (a service such as `cognito-idp.amazonaws.com`) call
    /// `action` on the function, from `sourceArn` when given.
    public func addPermission(
        functionName: String, statementId: String, action: String = "lambda:InvokeFunction",
        principal: String, sourceArn: String? = nil
    ) async throws {
        var input: JSONValue = ["StatementId": .string(statementId), "Action": .string(action), "Principal": .string(principal)]
        if let sourceArn { input["SourceArn"] = .string(sourceArn) }
        _ = try await client.restJSON("AddPermission", method: .POST, path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/policy", body: input)
    }

    /// RemovePermission: deletes one statement of the function's resource-based policy.
    public func removePermission(functionName: String, statementId: String) async throws {
        _ = try await client.rest(
            "RemovePermission", method: .DELETE,
            path: "/2015-03-31/functions/\(AWSURIEncoding.encode(functionName))/policy/\(AWSURIEncoding.encode(statementId))")
    }

    /// GetFunctionEventInvokeConfig: how asynchronous invocations are retried and where their
    /// failures go (`DestinationConfig.OnFailure.Destination`); none configured throws with `isNotFound`.
    public func getFunctionEventInvokeConfig(functionName: String) async throws -> JSONValue {
        try await client.restJSON(
            "GetFunctionEventInvokeConfig", method: .GET,
            path: "/2019-09-25/functions/\(AWSURIEncoding.encode(functionName))/event-invoke-config")
    }

    /// PutFunctionEventInvokeConfig: sends the failures of asynchronous invocations to `onFailure`
    /// (an SQS queue, SNS topic, function or bus ARN).
    public func putFunctionEventInvokeConfig(functionName: String, maximumRetryAttempts: Int, onFailure: String) async throws {
        _ = try await client.restJSON(
            "PutFunctionEventInvokeConfig", method: .PUT,
            path: "/2019-09-25/functions/\(AWSURIEncoding.encode(functionName))/event-invoke-config",
            body: [
                "MaximumRetryAttempts": .integer(Int64(maximumRetryAttempts)),
                "DestinationConfig": ["OnFailure": ["Destination": .string(onFailure)]],
            ])
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
        return LayerVersion(
            layerArn: try document["LayerArn"].requiredString("LayerArn"),
            layerVersionArn: try document["LayerVersionArn"].requiredString("LayerVersionArn"), version: version)
    }
}
