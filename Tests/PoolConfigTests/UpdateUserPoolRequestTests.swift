import AWSCore
import Foundation
import PoolConfig
import Testing
import TestSupport

struct UpdateUserPoolRequestTests {
    /// The committed allowlist must match botocore's cognito-idp model (pinned in scripts/pins.sh):
    /// a member Cognito adds fails here instead of being reset in someone's pool.
    @Test(.needsPython("botocore")) func generatedModelMatchesBotocore() async throws {
        let check = try await CommandRunner.run(
            "/usr/bin/env", ["python3", PoolFixtures.packageRoot.appendingPathComponent("scripts/generate-pool-model.py").path, "--check"])
        #expect(check.status == 0, "\(check.standardError)")
    }

    static let described: JSONValue = [
        "Id": "us-east-1_abc", "Name": "pool", "Arn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc",
        "Status": "Enabled", "CreationDate": 1_700_000_000.5, "LastModifiedDate": 1_700_000_100.25, "EstimatedNumberOfUsers": 3,
        "SchemaAttributes": [["Name": "sub", "AttributeDataType": "String"]], "UsernameAttributes": ["phone_number"],
        "MfaConfiguration": "OPTIONAL", "SmsConfiguration": [:], "SmsConfigurationFailure": "none",
        "Policies": ["PasswordPolicy": ["MinimumLength": 8, "TemporaryPasswordValidityDays": 7]],
        "AdminCreateUserConfig": ["AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": 7],
        "LambdaConfig": ["PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:pre"],
        "UserPoolTags": ["a": "b"], "DeletionProtection": "INACTIVE",
    ]

    @Test func carriesUpdatableMembersAndDropsReadOnlyOnes() throws {
        let request = try UpdateUserPoolRequest.carryingOver(Self.described)
        #expect(request["UserPoolId"]?.stringValue == "us-east-1_abc")
        #expect(request["PoolName"]?.stringValue == "pool")
        #expect(request["MfaConfiguration"]?.stringValue == "OPTIONAL")
        #expect(request["LambdaConfig"]["PreSignUp"] != nil)
        #expect(request["UserPoolTags"]["a"]?.stringValue == "b")
        #expect(request["DeletionProtection"]?.stringValue == "INACTIVE")
        for readOnly in [
            "Id", "Name", "Arn", "Status", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers", "SchemaAttributes", "UsernameAttributes",
            "SmsConfigurationFailure",
        ] {
            #expect(request[readOnly] == nil, "\(readOnly) must not be sent")
        }
        // An empty block is the same as none, and Cognito rejects an SmsConfiguration without SnsCallerArn.
        #expect(request["SmsConfiguration"] == nil)
        // Both validity settings described: only the current one is sent, or Cognito rejects the request.
        #expect(request["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"]?.intValue == 7)
        #expect(request["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == nil)
        #expect(request["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"]?.boolValue == false)
    }

    @Test func legacyValidityDaysAloneIsKept() throws {
        var legacy = Self.described
        legacy["Policies"] = ["PasswordPolicy": ["MinimumLength": 8]]
        let request = try UpdateUserPoolRequest.carryingOver(legacy)
        #expect(request["AdminCreateUserConfig"]["UnusedAccountValidityDays"]?.intValue == 7)
    }

    @Test func unknownMembersStopTheUpdate() throws {
        var topLevel = Self.described
        topLevel["BrandNewSetting"] = "on"
        #expect(throws: PoolConfigError.unknownMember(path: "BrandNewSetting", botocoreVersion: CognitoPoolModel.botocoreVersion)) {
            try UpdateUserPoolRequest.carryingOver(topLevel)
        }
        var nested = Self.described
        nested["LambdaConfig"]["FutureTrigger"] = "arn"
        let error = try #require(throws: PoolConfigError.self) { try UpdateUserPoolRequest.carryingOver(nested) }
        #expect(error == .unknownMember(path: "LambdaConfig.FutureTrigger", botocoreVersion: CognitoPoolModel.botocoreVersion))
        #expect(error.description.contains("was not changed"))
    }

    @Test func attachKeepsOtherTriggersAndRefusesToStealAnEmailSendersKey() throws {
        let attachment = SMSSenderAttachment(
            lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:sender", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/ours")
        let request = try LambdaConfigEditor.attachRequest(described: Self.described, attachment: attachment)
        #expect(request["LambdaConfig"]["PreSignUp"]?.stringValue == "arn:aws:lambda:us-east-1:123456789012:function:pre")
        #expect(request["LambdaConfig"]["CustomSMSSender"] == ["LambdaArn": .string(attachment.lambdaArn), "LambdaVersion": "V1_0"])
        #expect(request["LambdaConfig"]["KMSKeyID"]?.stringValue == attachment.kmsKeyArn)

        var withEmailSender = Self.described
        withEmailSender["LambdaConfig"] = [
            "CustomEmailSender": ["LambdaArn": "arn:email", "LambdaVersion": "V1_0"], "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/theirs",
        ]
        let error = try #require(throws: PoolConfigError.self) { try LambdaConfigEditor.attachRequest(described: withEmailSender, attachment: attachment) }
        #expect(
            error
                == .kmsKeyInUseByCustomEmailSender(
                    currentKey: "arn:aws:kms:us-east-1:123456789012:key/theirs", requestedKey: attachment.kmsKeyArn, emailSender: "arn:email"))
    }

    @Test func restoreLeavesSomeoneElsesChangesAlone() throws {
        let attachment = SMSSenderAttachment(lambdaArn: "arn:ours", kmsKeyArn: "arn:key/ours")
        var current = Self.described
        current["LambdaConfig"] = ["CustomSMSSender": ["LambdaArn": "arn:someone-else", "LambdaVersion": "V1_0"], "KMSKeyID": "arn:key/ours"]
        let plan = try LambdaConfigEditor.restorePlan(current: current, original: Self.described, attachment: attachment)
        #expect(plan.drift == [.senderChanged(.sms, current: "arn:someone-else", ours: "arn:ours")])
        // Our key is still ours to remove, but the sender someone else set stays.
        #expect(plan.request?["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == "arn:someone-else")
        #expect(plan.request?["LambdaConfig"]["KMSKeyID"] == nil)
    }

    /// A pool that had no LambdaConfig gets none back: the member is left out, not sent as null.
    @Test func restoringAPoolWithoutTriggersSendsNoLambdaConfig() throws {
        let attachment = SMSSenderAttachment(lambdaArn: "arn:ours", kmsKeyArn: "arn:key/ours")
        var original = Self.described
        original["LambdaConfig"] = nil
        let attached = try LambdaConfigEditor.attachRequest(described: original, attachment: attachment)
        var current = original
        current["LambdaConfig"] = attached["LambdaConfig"]
        let request = try #require(try LambdaConfigEditor.restorePlan(current: current, original: original, attachment: attachment).request)
        #expect(request.objectValue?.keys.contains("LambdaConfig") == false, "\(request.jsonString)")
    }

    /// The pool had its own SMS sender on key K0; after the attach someone added a CustomEmailSender,
    /// which now encrypts with our key: the restore puts their SMS sender back but not K0.
    @Test func anEmailSenderAddedAfterTheAttachKeepsTheKeyItUses() throws {
        let attachment = SMSSenderAttachment(lambdaArn: "arn:ours", kmsKeyArn: "arn:key/ours")
        var original = Self.described
        original["LambdaConfig"] = ["CustomSMSSender": ["LambdaArn": "arn:theirs", "LambdaVersion": "V1_0"], "KMSKeyID": "arn:key/k0"]
        var current = original
        current["LambdaConfig"] = [
            "CustomSMSSender": ["LambdaArn": "arn:ours", "LambdaVersion": "V1_0"], "KMSKeyID": "arn:key/ours",
            "CustomEmailSender": ["LambdaArn": "arn:email-added-later", "LambdaVersion": "V1_0"],
        ]
        let plan = try LambdaConfigEditor.restorePlan(current: current, original: original, attachment: attachment)
        #expect(plan.request?["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == "arn:theirs")
        #expect(plan.request?["LambdaConfig"]["KMSKeyID"]?.stringValue == "arn:key/ours")
        #expect(plan.drift == [.keyKeptForEmailSender(emailSender: "arn:email-added-later")], "\(plan.drift)")
    }

    /// RedirectEmail takes over the pool's own CustomEmailSender and its key; the restore puts both back.
    @Test func redirectingEmailReplacesTheEmailSenderAndItsKeyUntilTheRestore() throws {
        let attachment = SMSSenderAttachment(lambdaArn: "arn:ours", kmsKeyArn: "arn:key/ours", redirectsEmail: true)
        var original = Self.described
        original["LambdaConfig"] = ["CustomEmailSender": ["LambdaArn": "arn:email", "LambdaVersion": "V1_0"], "KMSKeyID": "arn:key/theirs"]
        let request = try LambdaConfigEditor.attachRequest(described: original, attachment: attachment)
        let ours: JSONValue = ["LambdaArn": "arn:ours", "LambdaVersion": "V1_0"]
        #expect(request["LambdaConfig"]["CustomEmailSender"] == ours)
        #expect(request["LambdaConfig"]["CustomSMSSender"] == ours)
        #expect(request["LambdaConfig"]["KMSKeyID"] == "arn:key/ours")

        var current = original
        current["LambdaConfig"] = request["LambdaConfig"]
        let plan = try LambdaConfigEditor.restorePlan(current: current, original: original, attachment: attachment)
        #expect(plan.drift.isEmpty, "\(plan.drift)")
        #expect(plan.request?["LambdaConfig"] == original["LambdaConfig"])
    }

    /// A stack Update that turns RedirectEmail off puts the pool's own email sender back, and is
    /// refused when that sender needs another key than the SMS sender's.
    @Test func turningEmailRedirectOffPutsTheOriginalEmailSenderBack() throws {
        var original = Self.described
        original["LambdaConfig"] = ["CustomEmailSender": ["LambdaArn": "arn:email", "LambdaVersion": "V1_0"], "KMSKeyID": "arn:key/ours"]
        var redirected = original
        redirected["LambdaConfig"] = try LambdaConfigEditor.attachRequest(
            described: original, attachment: SMSSenderAttachment(lambdaArn: "arn:ours", kmsKeyArn: "arn:key/ours", redirectsEmail: true))["LambdaConfig"]
        let smsOnly = SMSSenderAttachment(lambdaArn: "arn:ours", kmsKeyArn: "arn:key/ours")
        let request = try LambdaConfigEditor.attachRequest(described: redirected, original: original, attachment: smsOnly)
        #expect(request["LambdaConfig"]["CustomEmailSender"]["LambdaArn"] == "arn:email")
        #expect(request["LambdaConfig"]["CustomSMSSender"]["LambdaArn"] == "arn:ours")

        // Without an email sender of its own, the pool gets none back.
        var noEmailSender = Self.described
        noEmailSender["LambdaConfig"] = ["KMSKeyID": "arn:key/ours"]
        let withoutEmail = try LambdaConfigEditor.attachRequest(described: redirected, original: noEmailSender, attachment: smsOnly)
        #expect(withoutEmail["LambdaConfig"]["CustomEmailSender"] == nil)

        var otherKey = original
        otherKey["LambdaConfig"]["KMSKeyID"] = "arn:key/theirs"
        let error = try #require(throws: PoolConfigError.self) {
            try LambdaConfigEditor.attachRequest(described: redirected, original: otherKey, attachment: smsOnly)
        }
        #expect(error == .kmsKeyInUseByCustomEmailSender(currentKey: "arn:key/theirs", requestedKey: "arn:key/ours", emailSender: "arn:email"))
        #expect(error.description.contains("RedirectEmail=true"))
    }

    /// An email sender someone set over ours stays, and is named; the SMS side still comes back.
    @Test func anEmailSenderSetOverOursIsLeftAlone() throws {
        let attachment = SMSSenderAttachment(lambdaArn: "arn:ours", kmsKeyArn: "arn:key/ours", redirectsEmail: true)
        var current = Self.described
        current["LambdaConfig"] = [
            "CustomSMSSender": ["LambdaArn": "arn:ours", "LambdaVersion": "V1_0"], "KMSKeyID": "arn:key/ours",
            "CustomEmailSender": ["LambdaArn": "arn:someone-else", "LambdaVersion": "V1_0"],
        ]
        let plan = try LambdaConfigEditor.restorePlan(current: current, original: Self.described, attachment: attachment)
        #expect(
            plan.drift == [.senderChanged(.email, current: "arn:someone-else", ours: "arn:ours"), .keyKeptForEmailSender(emailSender: "arn:someone-else")],
            "\(plan.drift)")
        #expect(plan.request?["LambdaConfig"]["CustomEmailSender"]["LambdaArn"] == "arn:someone-else")
        #expect(plan.request?["LambdaConfig"]["CustomSMSSender"] == Self.described["LambdaConfig"]["CustomSMSSender"])
    }

    @Test func unknownMembersGoVerbatimWhenCarried() throws {
        var described = Self.described
        described["SettingFromNextYear"] = ["Enabled": true]
        described["Policies"] = ["PasswordPolicy": ["MinimumLength": 8, "RuleFromNextYear": "x"]]
        #expect(throws: PoolConfigError.self) { try UpdateUserPoolRequest.carryingOver(described) }
        let request = try UpdateUserPoolRequest.carryingOver(described, unknownMembers: .carryVerbatim)
        #expect(request["SettingFromNextYear"] == ["Enabled": true])
        #expect(request["Policies"]["PasswordPolicy"]["RuleFromNextYear"] == "x")
        #expect(request["Policies"]["PasswordPolicy"]["MinimumLength"] == 8)
        #expect(UpdateUserPoolRequest.unknownMembers(in: described).sorted() == ["Policies.PasswordPolicy.RuleFromNextYear", "SettingFromNextYear"])
        #expect(UpdateUserPoolRequest.unknownMembers(in: Self.described).isEmpty)
    }
}
