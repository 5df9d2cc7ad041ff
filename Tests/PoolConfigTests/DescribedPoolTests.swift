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
    static let neverSent = ["Id", "Name", "Arn", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers", "SchemaAttributes", "UsernameAttributes",
                            "AliasAttributes", "UsernameConfiguration", "Domain", "CustomDomain", "Status", "SmsConfigurationFailure", "EmailConfigurationFailure"]

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
    @Test func everyRequestBuiltFromTheFixturesPassesBotocoresValidator() async throws {
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
        let control = try await CommandRunner.run("/usr/bin/env", ["python3", Self.validator, "--documents", "cognito-idp", "UpdateUserPool",
                                                                   Self.directory.appendingPathComponent("d01-console-default.json").path])
        #expect(control.status == 1 && control.standardOutput.contains(#"Missing required parameter in input: "UserPoolId""#))
    }
}
