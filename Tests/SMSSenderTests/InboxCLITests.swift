import AWSCore
import AWSServices
import Foundation
import SMSSender
import Testing
import TestSupport

/// `smsredirect simulate` makes the codes Cognito would; `smsredirect wait-code` reads them back.
@Suite(.needsMoto)
struct InboxCLITests {
    /// The CLI on a CI runner with OIDC: no keys anywhere, only AWS_ROLE_ARN and a token file. The
    /// wait reaches SQS (and times out, exit 2) only if the chain got credentials from STS (moto);
    /// without the role it stops at once, naming every place it looked.
    @Test func onARunnerWithOIDCTheCLIAssumesTheRole() async throws {
        let sqs = try SQSClient(configuration: Moto.configuration())
        let queue = try await sqs.createQueue(name: Moto.uniqueName("oidc-inbox"))
        let home = NSTemporaryDirectory() + "oidc-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let tokenFile = home + "/token"
        try "eyJhbGciOiJSUzI1NiJ9.runner-oidc.sig".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        // No keys, profile or instance metadata: each is emptied, which the chain reads as unset.
        let bare = [
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "HOME": home,
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
        ]
        let smsredirect = try BuiltProducts.path("smsredirect")
        let wait = ["wait-code", "--queue-url", queue, "--phone", "+15555550199", "--timeout", "2"]

        let withRole = try await CommandRunner.run(
            smsredirect, wait,
            environment: bare.merging([
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci-runner", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_SESSION_NAME": "run-42",
            ]) { $1 })
        #expect(withRole.status == 2, "a timeout, after the calls went through: \(withRole.standardError)")
        #expect(withRole.standardError.contains("no matching code arrived"), "\(withRole.standardError)")

        let withoutRole = try await CommandRunner.run(
            smsredirect, wait, environment: bare.merging(["AWS_ROLE_ARN": "", "AWS_WEB_IDENTITY_TOKEN_FILE": ""]) { $1 })
        #expect(withoutRole.status == 1)
        #expect(
            withoutRole.standardError.contains("No AWS credentials found") && withoutRole.standardError.contains("web identity"), "\(withoutRole.standardError)"
        )
    }

    @Test func simulatedCodesArriveAndAreTakenOneByOne() async throws {
        let kms = try KMSClient(configuration: Moto.configuration())
        let sns = try SNSClient(configuration: Moto.configuration())
        let sqs = try SQSClient(configuration: Moto.configuration())
        let cognito = try CognitoIdentityProviderClient(configuration: Moto.configuration())
        let key = try await kms.createKey()
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: try #require(try await sqs.getQueueAttributes(queueUrl: queue)["QueueArn"]))
        let pool = try await cognito.createUserPool([
            "PoolName": .string(Moto.uniqueName("pool")),
            "LambdaConfig": [
                "CustomSMSSender": ["LambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:s", "LambdaVersion": "V1_0"],
                "KMSKeyID": .string(key.arn),
            ],
        ])
        let poolId = try #require(pool["Id"]?.stringValue)
        let smsredirect = try BuiltProducts.path("smsredirect")

        let simulate = try await CommandRunner.run(
            smsredirect,
            [
                "simulate", "--user-pool-id", poolId, "--bootstrap", try BuiltProducts.path("sender"),
                "--sns-topic-arn", topic, "--phone", "+15555550123", "--username", "ana",
            ])
        #expect(simulate.status == 0, "\(simulate.standardError)")
        #expect(simulate.standardOutput.contains("CustomSMSSender_Authentication: the sender published the MFA sign-in code for ana (+15555550123)"))

        // Someone else's code is not taken (and stays for them).
        let other = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--phone", "+15555550999", "--timeout", "2"])
        #expect(other.status == 2)
        #expect(other.standardError.contains("no matching code"))

        let mfa = try await CommandRunner.run(
            smsredirect, ["wait-code", "--queue-url", queue, "--phone", "+15555550123", "--trigger", "Authentication", "--json"])
        #expect(mfa.status == 0, "\(mfa.standardError)")
        let record = try JSONDecoder().decode(CodeRecord.self, from: Data(mfa.standardOutput.utf8))
        let mfaCode = try #require(record.code)
        SecretLedger.record(.code, mfaCode)
        #expect(record.triggerSource == "CustomSMSSender_Authentication")
        #expect(record.userName == "ana" && record.userPoolId == poolId)
        #expect(mfaCode.count == 6 && mfaCode.allSatisfy(\.isNumber))

        for trigger in ["SignUp", "ForgotPassword"] {
            let taken = try await CommandRunner.run(
                smsredirect, ["wait-code", "--queue-url", queue, "--username", "ana", "--trigger", trigger, "--timeout", "10"])
            #expect(taken.status == 0, "\(trigger): \(taken.standardError)")
            SecretLedger.record(.code, taken.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(taken.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).count == 6)
        }
        // All three taken: nothing is left for ana.
        let empty = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--username", "ana", "--timeout", "2"])
        #expect(empty.status == 2)

        // Filters that could only time out are refused before any call.
        let badPhone = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--phone", "15556666", "--timeout", "2"])
        #expect(badPhone.status != 0 && badPhone.status != 2)
        #expect(badPhone.standardError.contains("not E.164"), "\(badPhone.standardError)")
        let badSince = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--since", "yesterday"])
        #expect(badSince.standardError.contains("--since 'yesterday'"), "\(badSince.standardError)")

        // A purge before a run takes the user's leftover codes and nobody else's.
        let again = try await CommandRunner.run(
            smsredirect,
            [
                "simulate", "--user-pool-id", poolId, "--bootstrap", try BuiltProducts.path("sender"),
                "--sns-topic-arn", topic, "--phone", "+15555550124", "--username", "bo", "--trigger", "SignUp", "ForgotPassword",
            ])
        #expect(again.status == 0, "\(again.standardError)")
        let purge = try await CommandRunner.run(smsredirect, ["inbox", "purge", "--queue-url", queue, "--username", "bo", "--trigger", "signup"])
        #expect(purge.status == 0, "\(purge.standardError)")
        #expect(purge.standardOutput.contains("purged 1 code"), "\(purge.standardOutput)")
        let left = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--username", "bo", "--since=-5m", "--timeout", "10"])
        #expect(left.status == 0, "the ForgotPassword code should have stayed: \(left.standardError)")

        let badTrigger = try await CommandRunner.run(
            smsredirect, ["simulate", "--user-pool-id", poolId, "--bootstrap", "x", "--sns-topic-arn", topic, "--trigger", "Teleport"])
        #expect(badTrigger.status != 0)
        #expect(
            badTrigger.standardError.contains("The value 'Teleport' is invalid for '--trigger") && badTrigger.standardError.contains("ForgotPassword"),
            "\(badTrigger.standardError)")
    }

    /// --timeout is a deadline: an endpoint that takes the connection and never answers (a fault
    /// moto can't make) holds the wait no longer. The client's own 30 s timeout and its retries
    /// would hold it for minutes.
    @Test func theTimeoutIsADeadlineEvenWhenTheEndpointNeverAnswers() async throws {
        let silent = try await MisbehavingServer(.neverRespond)
        defer { Task { try? await silent.shutdown() } }
        let started = ContinuousClock.now
        let result = try await CommandRunner.run(
            try BuiltProducts.path("smsredirect"),
            ["wait-code", "--queue-url", "\(silent.url)/123456789012/inbox", "--phone", "+15555550100", "--timeout", "3"],
            environment: ["AWS_ENDPOINT_URL": silent.url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"])
        let took = ContinuousClock.now - started
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("no matching code arrived in 3 s"))
        #expect(took < .seconds(25), "a 3 s wait took \(took): a call outlived the deadline")
    }
}
