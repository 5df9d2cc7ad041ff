import AWSCore
import AWSServices
import Foundation
import PoolConfig
import Testing
import TestSupport

/// Attach then restore on moto, for every pool in fixtures/pools: the pool must come back exactly.
/// moto's UpdateUserPool resets what it is not sent, as Cognito does, which makes it a fair oracle.
@Suite(.needsMoto)
struct PoolRoundTripTests {
    let cognito: CognitoIdentityProviderClient
    let kms: KMSClient
    init() throws {
        cognito = try CognitoIdentityProviderClient(configuration: Moto.configuration())
        kms = try KMSClient(configuration: Moto.configuration())
    }

    /// Exactly the fixtures committed: a folder that cannot be read fails here, not as an empty matrix.
    @Test func theMatrixIsEveryCommittedFixture() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: PoolFixtures.directory.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == 18)
        #expect(PoolFixtures.names.count == files.count)
    }

    /// With `redirectEmail` the sender is the CustomEmailSender too, in place of any the pool had.
    @Test(arguments: PoolFixtures.names, [false, true])
    func attachThenRestoreLeavesThePoolAsItWas(_ fixture: String, redirectEmail: Bool) async throws {
        let key = try await kms.createKey(description: fixture)
        let created = try await cognito.createUserPool(try PoolFixtures.createRequest(fixture, kmsKeyArn: key.arn))
        let poolId = try #require(created["Id"]?.stringValue)
        let original = try await cognito.describeUserPool(id: poolId)
        let attachment = SMSSenderAttachment(
            lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:sms-sender", kmsKeyArn: key.arn,
            redirectsEmail: redirectEmail)

        let attach = try LambdaConfigEditor.attachRequest(described: original, attachment: attachment)
        expectAllowlisted(attach, described: original)
        try await cognito.updateUserPool(attach)
        let attached = try await cognito.describeUserPool(id: poolId)
        #expect(attached["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == attachment.lambdaArn)
        #expect(attached["LambdaConfig"]["KMSKeyID"]?.stringValue == key.arn)
        let emailSender = attached["LambdaConfig"]["CustomEmailSender"]
        if redirectEmail {
            #expect(emailSender == ["LambdaArn": .string(attachment.lambdaArn), "LambdaVersion": "V1_0"])
        } else {
            #expect(emailSender == original["LambdaConfig"]["CustomEmailSender"])
        }

        let plan = try LambdaConfigEditor.restorePlan(current: attached, original: original, attachment: attachment)
        #expect(plan.drift.isEmpty)
        let restore = try #require(plan.request)
        // The restore changes exactly these on purpose; everything else described must be carried.
        expectAllowlisted(restore, described: attached, changedOnPurpose: AllowlistCheck.restoredLambdaConfig)
        try await cognito.updateUserPool(restore)
        let restored = try await cognito.describeUserPool(id: poolId)
        #expect(
            PoolFixtures.comparable(restored) == PoolFixtures.comparable(original),
            "\(fixture): \(difference(PoolFixtures.comparable(original), PoolFixtures.comparable(restored)))")
    }

    /// Every updatable member of the described pool is in the request, and nothing outside
    /// UpdateUserPool's input shape is (moto would accept it silently; Cognito would not).
    func expectAllowlisted(_ request: JSONValue, described: JSONValue, changedOnPurpose: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let result = AllowlistCheck.check(request: request, described: described, changedOnPurpose: changedOnPurpose)
        #expect(result.outsideInputShape.isEmpty, "outside UpdateUserPool's input: \(result.outsideInputShape.sorted())", sourceLocation: sourceLocation)
        #expect(result.notCarried.isEmpty, "updatable members not sent: \(result.notCarried.sorted())", sourceLocation: sourceLocation)
    }

    func difference(_ lhs: JSONValue, _ rhs: JSONValue) -> String {
        let left = lhs.objectValue ?? [:], right = rhs.objectValue ?? [:]
        return Set(left.keys).union(right.keys).sorted().filter { left[$0] != right[$0] }
            .map { "\($0): \(left[$0]?.jsonString ?? "absent") → \(right[$0]?.jsonString ?? "absent")" }.joined(separator: "; ")
    }
}
