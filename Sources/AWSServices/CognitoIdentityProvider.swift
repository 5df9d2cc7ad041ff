import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Amazon Cognito user pools (awsJson 1.1): the operations this project calls.
///
/// The user pool document is a ``JSONValue`` in and out: UpdateUserPool resets whatever it is not
/// sent, so a field this client does not know must still travel untouched.
public struct CognitoIdentityProviderClient: Sendable {
    /// Cognito user pools on the wire: awsJson 1.1, signed as `cognito-idp`.
    public static let service = ServiceDescriptor(
        serviceId: "Cognito Identity Provider", signingName: "cognito-idp", endpointPrefix: "cognito-idp",
        wireProtocol: .awsJSON(version: "1.1", targetPrefix: "AWSCognitoIdentityProviderService"))

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// CreateUserPool; `request` is the operation's input document. Returns the `UserPool` document.
    public func createUserPool(_ request: JSONValue) async throws -> JSONValue {
        let output = try await client.json("CreateUserPool", request)
        return try client.decoding("CreateUserPool") { try output["UserPool"].requiredObject("UserPool") }
    }

    /// DescribeUserPool's `UserPool` document, whole.
    public func describeUserPool(id userPoolId: String) async throws -> JSONValue {
        let output = try await client.json("DescribeUserPool", ["UserPoolId": .string(userPoolId)])
        return try client.decoding("DescribeUserPool") { try output["UserPool"].requiredObject("UserPool") }
    }

    /// GetUserPoolMfaConfig's answer: the MFA setting and each factor's configuration (SMS,
    /// software token, email, WebAuthn), which DescribeUserPool shows only in part.
    public func getUserPoolMfaConfig(id userPoolId: String) async throws -> JSONValue {
        try await client.json("GetUserPoolMfaConfig", ["UserPoolId": .string(userPoolId)])
    }

    /// SetUserPoolMfaConfig with `request` as the input (UserPoolId, MfaConfiguration, the factors).
    public func setUserPoolMfaConfig(_ request: JSONValue) async throws {
        _ = try await client.json("SetUserPoolMfaConfig", request)
    }

    /// UpdateUserPool with `request` as the input document. It must carry every setting to keep:
    /// Cognito resets the ones it is not sent.
    public func updateUserPool(_ request: JSONValue) async throws {
        _ = try await client.json("UpdateUserPool", request)
    }

    /// DeleteUserPool: deletes the pool with its users and app clients.
    public func deleteUserPool(id userPoolId: String) async throws {
        _ = try await client.json("DeleteUserPool", ["UserPoolId": .string(userPoolId)])
    }

    /// An app client of a pool.
    public struct UserPoolClient: Sendable, Equatable {
        /// `ClientId`: the id apps pass to SignUp and InitiateAuth.
        public var clientId: String
        /// `ClientName`, as created.
        public var clientName: String
        /// `UserPoolId` of the pool the client belongs to.
        public var userPoolId: String
    }

    /// CreateUserPoolClient; `explicitAuthFlows` takes Cognito's names (e.g. `ALLOW_USER_PASSWORD_AUTH`),
    /// and none sends Cognito's default.
    public func createUserPoolClient(userPoolId: String, clientName: String, explicitAuthFlows: [String] = [], generateSecret: Bool = false) async throws
        -> UserPoolClient
    {
        var input: JSONValue = ["UserPoolId": .string(userPoolId), "ClientName": .string(clientName), "GenerateSecret": .bool(generateSecret)]
        if !explicitAuthFlows.isEmpty { input["ExplicitAuthFlows"] = .array(explicitAuthFlows.map { .string($0) }) }
        let output = try await client.json("CreateUserPoolClient", input)
        return try client.decoding("CreateUserPoolClient") {
            let document = output["UserPoolClient"]
            return UserPoolClient(
                clientId: try document["ClientId"].requiredString("UserPoolClient.ClientId"),
                clientName: document["ClientName"]?.stringValue ?? clientName,
                userPoolId: document["UserPoolId"]?.stringValue ?? userPoolId)
        }
    }

    /// What SignUp answers about the new user.
    public struct SignUpResult: Sendable, Equatable {
        /// `UserSub`: the user's immutable `sub` attribute.
        public var userSub: String
        /// `UserConfirmed`: false (also when absent) while the user still has to confirm a code.
        public var userConfirmed: Bool
    }

    /// SignUp through the app client `clientId`; `clientMetadata` reaches the pool's Lambda triggers.
    public func signUp(clientId: String, username: String, password: String, userAttributes: [String: String] = [:], clientMetadata: [String: String] = [:])
        async throws -> SignUpResult
    {
        var input: JSONValue = [
            "ClientId": .string(clientId), "Username": .string(username), "Password": .string(password),
            "UserAttributes": Self.attributeList(userAttributes),
        ]
        if !clientMetadata.isEmpty { input["ClientMetadata"] = clientMetadata.jsonValue }
        let output = try await client.json("SignUp", input)
        return try client.decoding("SignUp") {
            SignUpResult(userSub: try output["UserSub"].requiredString("UserSub"), userConfirmed: output["UserConfirmed"]?.boolValue ?? false)
        }
    }

    /// AdminCreateUser; returns the `User` document. `messageAction` is `RESEND` or `SUPPRESS`.
    public func adminCreateUser(
        userPoolId: String, username: String, userAttributes: [String: String] = [:], temporaryPassword: String? = nil,
        messageAction: String? = nil, desiredDeliveryMediums: [String] = []
    ) async throws -> JSONValue {
        var input: JSONValue = ["UserPoolId": .string(userPoolId), "Username": .string(username), "UserAttributes": Self.attributeList(userAttributes)]
        if let temporaryPassword { input["TemporaryPassword"] = .string(temporaryPassword) }
        if let messageAction { input["MessageAction"] = .string(messageAction) }
        if !desiredDeliveryMediums.isEmpty { input["DesiredDeliveryMediums"] = .array(desiredDeliveryMediums.map { .string($0) }) }
        let output = try await client.json("AdminCreateUser", input)
        return try client.decoding("AdminCreateUser") { try output["User"].requiredObject("User") }
    }

    /// Cognito's `[{Name, Value}]` attribute list, sorted for a stable request.
    static func attributeList(_ attributes: [String: String]) -> JSONValue {
        .array(attributes.sorted { $0.key < $1.key }.map { ["Name": .string($0.key), "Value": .string($0.value)] })
    }
}

extension Optional where Wrapped == JSONValue {
    /// An object member, required.
    public func requiredObject(_ field: String) throws -> JSONValue {
        guard let value = self, value.objectValue != nil else { throw MissingFieldError(field: field) }
        return value
    }
}
