import AWSCore
import AWSServices

/// The Cognito calls ``Attacher`` makes. A seam: `CognitoIdentityProviderClient` in production;
/// in the unit tests of the plan, verify and rollback paths, in-memory pools that can misbehave
/// (reset a member, reject a request, change between describe and update).
public protocol UserPoolService: Sendable {
    /// DescribeUserPool's `UserPool` document.
    func describeUserPool(id: String) async throws -> JSONValue
    /// UpdateUserPool with `request` as its input document.
    func updateUserPool(_ request: JSONValue) async throws
    /// GetUserPoolMfaConfig's answer: the factors UpdateUserPool must leave as they were.
    func getUserPoolMfaConfig(id: String) async throws -> JSONValue
}

/// The Lambda calls ``Attacher`` makes on the sender function and its layer. A seam, as ``UserPoolService``.
public protocol SenderFunctionService: Sendable {
    func getFunctionConfiguration(functionName: String) async throws -> LambdaClient.FunctionConfiguration
    /// Sets the function's layers to exactly `layers`, in order.
    func setLayers(_ layers: [String], functionName: String) async throws
    /// Publishes a layer version for `provided.al2023` from `content`.
    func publishLayer(name: String, content: LambdaClient.LayerContent, description: String) async throws -> LambdaClient.LayerVersion
    func deleteLayerVersion(layerName: String, version: Int) async throws
}

extension CognitoIdentityProviderClient: UserPoolService {}

extension LambdaClient: SenderFunctionService {
    /// UpdateFunctionConfiguration with only `Layers`, which replaces the function's whole layer list.
    public func setLayers(_ layers: [String], functionName: String) async throws {
        _ = try await updateFunctionConfiguration(functionName: functionName, layers: layers)
    }

    /// PublishLayerVersion compatible with `provided.al2023`, the sender's runtime.
    public func publishLayer(name: String, content: LayerContent, description: String) async throws -> LayerVersion {
        try await publishLayerVersion(layerName: name, content: content, description: description, compatibleRuntimes: ["provided.al2023"])
    }
}
