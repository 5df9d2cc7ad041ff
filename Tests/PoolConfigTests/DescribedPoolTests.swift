import AWSCore
import Foundation
import PoolConfig
import Testing
import TestSupport

/// The request builder on DescribeUserPool documents as Cognito returns them (fixtures/described):
/// read-only members, `LambdaConfig: {}`, timestamps, failure messages, tiers. moto's describe
/// returns a narrower document, so these are what the builder meets in an AWS account. Every
/// request built from them must pass botocore's parameter validator.
struct DescribedPoolTests {
    static let directory = PoolFixtures.packageRoot.appendingPathComponent("fixtures/described")
    static let validator = PoolFixtures.packageRoot.appendingPathComponent("scripts/validate-aws-requests.py").path

    /// The fixture names; an unreadable folder is an error, never an empty matrix.
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func described(_ name: String) throws -> JSONValue {
        try JSONValue(data: Data(contentsOf: directory.appendingPathComponent("\(name).json")))
    }

    /// What DescribeUserPool returns and UpdateUserPool may not be sent: read-only or create-only.
    static let neverSent = [
        "Id", "Name", "Arn", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers", "SchemaAttributes", "UsernameAttributes",
        "AliasAttributes", "UsernameConfiguration", "Domain", "CustomDomain", "Status", "SmsConfigurationFailure", "EmailConfigurationFailure",
    ]

    static let sender = "arn:aws:lambda:us-east-1:123456789012:function:cognito-sms-redirect-sender"
    static let ourKey = "arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

    @Test func theFolderHoldsEveryFixture() throws {
        #expect(try Self.names().count == 12)
    }

    @Test(arguments: try DescribedPoolTests.names())
    func theRequestCarriesEveryUpdatableMemberAndNothingElse(_ name: String) throws {
        let described = try Self.described(name)
        let request = try UpdateUserPoolRequest.carryingOver(described)
        let check = AllowlistCheck.check(request: request, described: described)
        #expect(check.outsideInputShape.isEmpty, "\(name): outside UpdateUserPool's input: \(check.outsideInputShape.sorted())")
        #expect(check.notCarried.isEmpty, "\(name): updatable members not sent: \(check.notCarried.sorted())")
        for member in Self.neverSent { #expect(request[member] == nil, "\(name): \(member) sent") }
        #expect(request["UserPoolId"] == described["Id"] && request["PoolName"] == described["Name"])
        if described["LambdaConfig"] == .object([:]) { #expect(request["LambdaConfig"] == nil, "an empty LambdaConfig is the same as none") }
        #expect(UpdateUserPoolRequest.unknownMembers(in: described).isEmpty)
    }

    /// Every request the tool would send for these pools (the carry-over, the attach, the
    /// restore after it), validated by botocore: shapes, required members, types, minimum lengths.
    @Test(.needsPython("botocore")) func everyRequestBuiltFromTheFixturesPassesBotocoresValidator() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("described-requests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var files: [String] = []
        func write(_ request: JSONValue, _ label: String) throws {
            let file = scratch.appendingPathComponent("\(label).json")
            try request.data().write(to: file)
            files.append(file.path)
        }
        for name in try Self.names() {
            let described = try Self.described(name)
            try write(try UpdateUserPoolRequest.carryingOver(described), "\(name)-carry")
            // A pool whose CustomEmailSender holds the key attaches with that key (the other case is refused).
            let attachment = SMSSenderAttachment(lambdaArn: Self.sender, kmsKeyArn: described["LambdaConfig"]["KMSKeyID"]?.stringValue ?? Self.ourKey)
            let attach = try LambdaConfigEditor.attachRequest(described: described, attachment: attachment)
            try write(attach, "\(name)-attach")
            var attached = described
            attached["LambdaConfig"] = attach["LambdaConfig"]
            let restore = try #require(try LambdaConfigEditor.restorePlan(current: attached, original: described, attachment: attachment).request)
            try write(restore, "\(name)-restore")
        }
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", Self.validator, "--documents", "cognito-idp", "UpdateUserPool"] + files)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count == files.count)

        // The validator is live: the described document itself is not a valid request.
        let control = try await CommandRunner.run(
            "/usr/bin/env",
            [
                "python3", Self.validator, "--documents", "cognito-idp", "UpdateUserPool",
                Self.directory.appendingPathComponent("d01-console-default.json").path,
            ])
        #expect(control.status == 1 && control.standardOutput.contains(#"Missing required parameter in input: "UserPoolId""#))
    }

    // MARK: Cognito's cross-member rules (docs/operator-guide.md's table gives each one's source)

    static func requests(_ name: String, key: String? = nil) throws -> (described: JSONValue, carry: JSONValue, attach: JSONValue, restore: JSONValue) {
        let described = try Self.described(name)
        let attachment = SMSSenderAttachment(lambdaArn: Self.sender, kmsKeyArn: key ?? described["LambdaConfig"]["KMSKeyID"]?.stringValue ?? Self.ourKey)
        let attach = try LambdaConfigEditor.attachRequest(described: described, attachment: attachment)
        var attached = described
        attached["LambdaConfig"] = attach["LambdaConfig"]
        let restore = try #require(try LambdaConfigEditor.restorePlan(current: attached, original: described, attachment: attachment).request)
        return (described, try UpdateUserPoolRequest.carryingOver(described), attach, restore)
    }

    /// Describe returns the legacy members as the template's own values, so they go back as
    /// described, beside the template with both email variants: dropping the variant that is not
    /// the default would lose it, and the verify step reports any member Cognito changes.
    @Test(arguments: ["d02-verification-template-and-legacy-members", "d03-legacy-verification-members-disagree"])
    func verificationMessagesGoBackAsDescribed(_ name: String) throws {
        let (described, carry, attach, restore) = try Self.requests(name)
        for request in [carry, attach, restore] {
            #expect(request["VerificationMessageTemplate"] == described["VerificationMessageTemplate"])
            for legacy in ["EmailVerificationMessage", "EmailVerificationSubject", "SmsVerificationMessage"] { #expect(request[legacy] == described[legacy]) }
        }
    }

    /// Sent alone, PreTokenGeneration puts the trigger back on V1_0 and access-token customisation
    /// is lost: the config goes with it, the same ARN in both.
    @Test func aPreTokenGenerationV2ConfigSurvivesTheAttachAndTheRestore() throws {
        let (described, _, attach, restore) = try Self.requests("d04-pre-token-generation-config-v2")
        for request in [attach, restore] {
            #expect(request["LambdaConfig"]["PreTokenGenerationConfig"] == described["LambdaConfig"]["PreTokenGenerationConfig"])
            #expect(request["LambdaConfig"]["PreTokenGeneration"] == request["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaArn"])
            #expect(request["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaVersion"]?.stringValue == "V2_0")
        }
    }

    /// A software-token-only MFA pool: MfaConfiguration goes back, and no SmsConfiguration is made up.
    @Test func mfaWithoutSMSIsNotGivenAnSMSConfiguration() throws {
        let (_, carry, attach, restore) = try Self.requests("d05-mfa-on-without-sms-configuration")
        for request in [carry, attach, restore] {
            #expect(request["MfaConfiguration"]?.stringValue == "ON")
            #expect(request["SmsConfiguration"] == nil && request["SmsAuthenticationMessage"] == nil)
        }
    }

    /// A DEVELOPER email configuration is resent whole (Cognito re-checks the SES identity; a
    /// refusal fails the attach with SES's words and changes nothing): never dropped, which would
    /// fall back to COGNITO_DEFAULT.
    @Test func aDeveloperEmailConfigurationIsResentWhole() throws {
        let (described, carry, attach, restore) = try Self.requests("d06-developer-email-configuration")
        for request in [carry, attach, restore] {
            #expect(request["EmailConfiguration"] == described["EmailConfiguration"])
            #expect(request["EmailConfiguration"]["ConfigurationSet"]?.stringValue == "cognito-events")
            #expect(request["EmailConfigurationFailure"] == nil)
        }
    }

    /// The tier is always sent as described (threat protection needs PLUS; older LITE pools keep
    /// theirs), with the add-ons and their additional flows.
    @Test(arguments: ["d07-lite-tier-threat-protection-off", "d08-plus-tier-threat-protection-enforced", "d12-legacy-unused-account-validity-days-only"])
    func theTierAndTheThreatProtectionGoBackAsDescribed(_ name: String) throws {
        let (described, carry, attach, restore) = try Self.requests(name)
        for request in [carry, attach, restore] {
            #expect(request["UserPoolTier"] == described["UserPoolTier"] && request["UserPoolTier"] != nil)
            #expect(request["UserPoolAddOns"] == described["UserPoolAddOns"])
        }
    }

    /// UserPoolTags overwrites the pool's tags: resent as they are (an empty map as none).
    @Test func tagsAreResentAsTheyAre() throws {
        let (described, carry, attach, restore) = try Self.requests("d09-user-pool-tags")
        for request in [carry, attach, restore] { #expect(request["UserPoolTags"] == described["UserPoolTags"]) }
        #expect(try UpdateUserPoolRequest.carryingOver(try Self.described("d01-console-default"))["UserPoolTags"] == .object([:]))
    }

    /// Cognito refuses UnusedAccountValidityDays beside TemporaryPasswordValidityDays, which
    /// Describe returns together; a legacy pool with only the old member keeps it.
    @Test func theLegacyValidityDaysAreSentOnlyWhenTheyAreAllThereIs() throws {
        let (_, carry, attach, restore) = try Self.requests("d01-console-default")
        for request in [carry, attach, restore] {
            #expect(request["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == nil)
            #expect(request["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"]?.intValue == 7)
        }
        let legacy = try Self.requests("d12-legacy-unused-account-validity-days-only")
        for request in [legacy.carry, legacy.attach, legacy.restore] {
            #expect(request["AdminCreateUserConfig"]["UnusedAccountValidityDays"]?.intValue == 14)
            #expect(request["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == nil)
        }
    }

    /// SMS: the role, its external id and SnsRegion go back together, and the attributes that need
    /// verification before an update travel with AutoVerifiedAttributes (Cognito checks one against the other).
    @Test func smsConfigurationAndVerificationSettingsTravelTogether() throws {
        let (described, carry, attach, restore) = try Self.requests("d10-sms-mfa-domain-and-failures")
        for request in [carry, attach, restore] {
            #expect(request["SmsConfiguration"] == described["SmsConfiguration"])
            #expect(request["AutoVerifiedAttributes"] == described["AutoVerifiedAttributes"])
            #expect(request["UserAttributeUpdateSettings"] == described["UserAttributeUpdateSettings"])
            #expect(request["AccountRecoverySetting"] == described["AccountRecoverySetting"])
        }
    }

    /// KMSKeyID serves both custom senders: an attach with another key is refused while their
    /// CustomEmailSender holds it; with the same key their email sender stays, and the restore puts
    /// their SMS sender back.
    @Test func customSendersShareTheKeyAndTheRestorePutsTheirsBack() throws {
        #expect(throws: PoolConfigError.self) { _ = try Self.requests("d11-custom-senders-sharing-a-key", key: Self.ourKey) }
        let (described, _, attach, restore) = try Self.requests("d11-custom-senders-sharing-a-key")
        #expect(attach["LambdaConfig"]["CustomEmailSender"] == described["LambdaConfig"]["CustomEmailSender"])
        #expect(attach["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == Self.sender)
        #expect(restore["LambdaConfig"] == described["LambdaConfig"])
    }
}
