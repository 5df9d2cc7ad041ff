import AWSCore
import AWSServices
import Foundation
import SMSSender
import StackDeploy
import Testing
import TestSupport

/// A pool that belongs to the app's own CloudFormation stack: each deploy of that stack sends the
/// pool's whole declared configuration (UpdateUserPool resets the rest), so a deploy that does not
/// declare the redirect takes it off; one that declares the redirect stack's `LambdaConfigSnippet`
/// keeps it, and codes arrive.
@Suite(.needsMinistack) struct IaCOwnedPoolTests {
    let engine: StackEngine
    init() throws { engine = try StackEngine() }

    /// The app's template: one pool, with `lambdaConfig` declared when given.
    static func appTemplate(name: String, message: String, lambdaConfig: JSONValue? = nil) -> JSONValue {
        var pool: JSONValue = [
            "UserPoolName": .string(name), "AutoVerifiedAttributes": ["phone_number"], "SmsVerificationMessage": .string(message), "MfaConfiguration": "OFF",
        ]
        if let lambdaConfig { pool["LambdaConfig"] = lambdaConfig }
        return [
            "AWSTemplateFormatVersion": "2010-09-09", "Resources": ["AppPool": ["Type": "AWS::Cognito::UserPool", "Properties": pool]],
            "Outputs": ["UserPoolId": ["Value": ["Ref": "AppPool"]]],
        ]
    }

    @Test func theAppsDeployKeepsTheRedirectItDeclaresFromTheSnippet() async throws {
        let app = StackEngine.stackName("app"), redirect = StackEngine.stackName("iac")
        let created = try await engine.create(app, template: Self.appTemplate(name: app, message: "Your code is {####}"), parameters: [:])
        try #require(created.succeeded, StackEngine.story(created))
        let poolId = try #require(created.stack.outputs["UserPoolId"])

        let redirected = try await engine.create(
            redirect, template: try await engine.template("existing-user-pool"),
            parameters: ["UserPoolId": poolId, "EmailAddress": "codes@example.com", "SMSRoleArn": ""])
        try #require(redirected.succeeded, StackEngine.story(redirected))
        let sender = try #require(redirected.stack.outputs["SenderFunctionArn"])
        let snippet = try JSONValue(data: Data(try #require(redirected.stack.outputs["LambdaConfigSnippet"]).utf8))
        #expect(
            snippet == [
                "CustomSMSSender": ["LambdaArn": .string(sender), "LambdaVersion": "V1_0"],
                "KMSKeyID": .string(try #require(redirected.stack.outputs["KmsKeyArn"])),
            ])

        // The app's next deploy, not declaring the redirect: CloudFormation's UpdateUserPool takes it off.
        let plain = try await engine.deployer.update(stack: app, template: Self.appTemplate(name: app, message: "Your app code is {####}"), parameters: [:])
        try #require(plain.succeeded, StackEngine.story(plain))
        #expect(try await engine.cognito.describeUserPool(id: poolId)["LambdaConfig"]["CustomSMSSender"] == nil, "the app's deploy wiped the trigger")

        // Declaring the snippet, the app's deploy puts it (back) and keeps it.
        let declared = try await engine.deployer.update(
            stack: app, template: Self.appTemplate(name: app, message: "Your app code is {####}", lambdaConfig: snippet), parameters: [:])
        try #require(declared.succeeded, StackEngine.story(declared))
        let again = try await engine.deployer.update(
            stack: app, template: Self.appTemplate(name: app, message: "Your new app code is {####}", lambdaConfig: snippet), parameters: [:])
        try #require(again.succeeded, StackEngine.story(again))
        let pool = try await engine.cognito.describeUserPool(id: poolId)
        #expect(pool["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == sender, "the redirect survives the app's deploys")
        #expect(pool["SmsVerificationMessage"]?.stringValue == "Your new app code is {####}")
        let delivery = try await engine.sendACode(.smsSignUp, through: redirected.stack, poolId: poolId)
        #expect(delivery.record?["code"]?.stringValue == delivery.sent, "a code through the redirect the app declares: \(delivery.wait.standardError)")

        _ = try await engine.deployer.delete(stack: redirect)
        _ = try await engine.deployer.delete(stack: app)
    }
}
