import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

@Suite(.needsMoto)
struct CognitoTests {
    let cognito: CognitoIdentityProviderClient
    init() throws { cognito = try CognitoIdentityProviderClient(configuration: Moto.configuration()) }

    @Test func poolLifecycleKeepsTheDocumentWhole() async throws {
        let name = Moto.uniqueName("pool")
        let created = try await cognito.createUserPool([
            "PoolName": .string(name),
            "UsernameAttributes": ["phone_number"],
            "MfaConfiguration": "OFF",
            "SmsVerificationMessage": "Your code is {####}",
            "Policies": ["PasswordPolicy": ["MinimumLength": 10, "RequireNumbers": true, "TemporaryPasswordValidityDays": 3]],
        ])
        let poolId = try #require(created["Id"]?.stringValue)
        defer { Task { try? await cognito.deleteUserPool(id: poolId) } }

        let described = try await cognito.describeUserPool(id: poolId)
        #expect(described["Name"]?.stringValue == name)
        #expect(described["Policies"]["PasswordPolicy"]["MinimumLength"]?.intValue == 10)
        #expect(described["SmsVerificationMessage"]?.stringValue == "Your code is {####}")
        // The document is kept as JSON: it survives serialization byte-for-byte equal.
        #expect(try JSONValue(data: described.data()) == described)

        try await cognito.updateUserPool([
            "UserPoolId": .string(poolId),
            "SmsVerificationMessage": "Code: {####}",
            "Policies": ["PasswordPolicy": ["MinimumLength": 12]],
        ])
        let updated = try await cognito.describeUserPool(id: poolId)
        #expect(updated["SmsVerificationMessage"]?.stringValue == "Code: {####}")
        #expect(updated["Policies"]["PasswordPolicy"]["MinimumLength"]?.intValue == 12)
    }

    @Test func clientsSignUpAndAdminCreatedUsers() async throws {
        let created = try await cognito.createUserPool(["PoolName": .string(Moto.uniqueName("pool"))])
        let poolId = try #require(created["Id"]?.stringValue)
        defer { Task { try? await cognito.deleteUserPool(id: poolId) } }

        let client = try await cognito.createUserPoolClient(
            userPoolId: poolId, clientName: "tests", explicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        #expect(!client.clientId.isEmpty)
        #expect(client.userPoolId == poolId)

        SecretLedger.record(.password, "Correct-Horse-9", "Temp-Passw0rd!")
        let signUp = try await cognito.signUp(
            clientId: client.clientId, username: "alice", password: "Correct-Horse-9",
            userAttributes: ["phone_number": "+15555550100", "email": "alice@example.com"])
        #expect(!signUp.userSub.isEmpty)
        #expect(signUp.userConfirmed == false)

        let user = try await cognito.adminCreateUser(
            userPoolId: poolId, username: "bob", userAttributes: ["phone_number": "+15555550101"],
            temporaryPassword: "Temp-Passw0rd!", messageAction: "SUPPRESS")
        #expect(user["Username"]?.stringValue == "bob")
        #expect(user["UserStatus"]?.stringValue == "FORCE_CHANGE_PASSWORD")
        let attributes = user["Attributes"]?.arrayValue ?? []
        #expect(attributes.contains { $0["Name"]?.stringValue == "phone_number" && $0["Value"]?.stringValue == "+15555550101" })
    }

    @Test func missingPoolIsAServiceError() async throws {
        let created = try await cognito.createUserPool(["PoolName": .string(Moto.uniqueName("pool"))])
        let poolId = try #require(created["Id"]?.stringValue)
        try await cognito.deleteUserPool(id: poolId)
        let error = try await #require(throws: AWSError.self) { try await cognito.describeUserPool(id: poolId) }
        #expect(error.kind == .service)
        #expect(error.service == "Cognito Identity Provider")
        #expect(error.operation == "DescribeUserPool")
        #expect(error.statusCode == 400)
        #expect(error.code == "ResourceNotFoundException")
        #expect(error.message.contains(poolId))
    }
}
