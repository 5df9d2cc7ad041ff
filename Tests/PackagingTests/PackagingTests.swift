import AWSCore
import AWSServices
import Foundation
import LambdaRuntime
import SMSSender
import Testing
import TestSupport

/// The zips in dist/ (`make package`; `make test` makes them from its debug build): what Lambda
/// would unpack, checked for Lambda's glibc and run from where Lambda would run them.
@Suite(.serialized)
struct PackagingTests {
    static let dist = BuiltProducts.packageRoot.appendingPathComponent("dist")

    struct MissingPackage: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) does not exist: run `make package` (make test does) first" }
    }

    /// Unzips a package into a fresh directory.
    static func unpack(_ name: String, into directory: URL) async throws {
        let zip = dist.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: zip) else { throw MissingPackage(path: zip) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try await CommandRunner.run("/usr/bin/unzip", ["-q", "-o", zip, "-d", directory.path])
        #expect(result.status == 0, "unzip \(name): \(result.standardError)")
    }

    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("packaging-\(UUID().uuidString)")
    }

    /// `(GLIBC_2.34)`-style versions an ELF file's dynamic symbols need, read with objdump.
    static func symbolVersions(_ path: String) async throws -> Set<String> {
        let dump = try await CommandRunner.run("/usr/bin/objdump", ["-T", path])
        #expect(dump.status == 0, "objdump \(path): \(dump.standardError)")
        let pattern = /\((GLIBC|GLIBCXX|CXXABI)_([0-9.]+)\)/
        return Set(dump.standardOutput.matches(of: pattern).map { "\($0.1)_\($0.2)" })
    }

    static func isNewer(_ version: String, than limit: String) -> Bool {
        let left = version.split(separator: ".").compactMap { Int($0) }, right = limit.split(separator: ".").compactMap { Int($0) }
        for (a, b) in zip(left + Array(repeating: 0, count: max(0, right.count - left.count)), right + Array(repeating: 0, count: max(0, left.count - right.count))) where a != b {
            return a > b
        }
        return false
    }

    @Test(arguments: ["sender.zip", "helper.zip", "encryption-sdk-layer.zip"])
    func everyELFFileRunsOnLambdasGlibc(_ package: String) async throws {
        let directory = Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.unpack(package, into: directory)
        var elfFiles = 0
        for case let file as URL in FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) ?? FileManager.DirectoryEnumerator() {
            guard let head = try? FileHandle(forReadingFrom: file).read(upToCount: 4), head == Data([0x7F, 0x45, 0x4C, 0x46]) else { continue }
            elfFiles += 1
            let versions = try await Self.symbolVersions(file.path)
            // Amazon Linux 2023: glibc 2.34, GCC 11's libstdc++.
            let limits = ["GLIBC": "2.34", "GLIBCXX": "3.4.29", "CXXABI": "1.3.13"]
            let tooNew = versions.filter { version in
                let parts = version.split(separator: "_", maxSplits: 1).map(String.init)
                return Self.isNewer(parts[1], than: limits[parts[0]]!)
            }
            #expect(tooNew.isEmpty, "\(package)/\(file.lastPathComponent) needs \(tooNew.sorted())")
            #expect(versions.contains { $0.hasPrefix("GLIBC_") }, "objdump found no versioned symbols in \(file.lastPathComponent)")
        }
        #expect(elfFiles >= 1, "\(package) has no ELF file")
    }

    @Test func theLimitComparisonCanSayNewer() {
        #expect(Self.isNewer("2.35", than: "2.34"))
        #expect(!Self.isNewer("2.34", than: "2.34"))
        #expect(Self.isNewer("3.4.30", than: "3.4.29"))
        #expect(!Self.isNewer("2.2.5", than: "2.34"))
    }

    @Test func thePackagedSenderRunsWithItsLayerAndSaysWhenTheLayerIsMissing() async throws {
        let root = Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let task = root.appendingPathComponent("var/task"), opt = root.appendingPathComponent("opt"), emptyOpt = root.appendingPathComponent("empty-opt")
        try await Self.unpack("sender.zip", into: task)
        try await Self.unpack("encryption-sdk-layer.zip", into: opt)
        try FileManager.default.createDirectory(at: emptyOpt, withIntermediateDirectories: true)

        let kms = try KMSClient(configuration: Moto.configuration()), sns = try SNSClient(configuration: Moto.configuration()), sqs = try SQSClient(configuration: Moto.configuration())
        let key = try await kms.createKey()
        let topic = try await sns.createTopic(name: Moto.uniqueName("packaged"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("packaged-inbox"))
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: try #require(try await sqs.getQueueAttributes(queueUrl: queue)["QueueArn"]))
        let code = "packaged-\(UUID().uuidString.prefix(8))"
        let event = try await CognitoSimulator(kmsKeyArn: key.arn, kms: kms).event(triggerSource: .smsSignUp, code: code, userPoolId: "us-east-1_Packaged",
                                                                                     userName: "packaged", phoneNumber: "+15555550142", region: "us-east-1")
        SecretLedger.record(code, String(event.request.code.prefix(40)))

        func invoke(layerRoot: URL) async throws -> LocalInvoker.Report {
            let environment = ["SMSREDIRECT_LAYER_ROOT": layerRoot.path, "KMS_KEY_ARN": key.arn, "SNS_TOPIC_ARN": topic, "LAMBDA_TASK_ROOT": task.path,
                               "AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]
            return try await LocalInvoker(.init(executable: task.appendingPathComponent("bootstrap").path, environment: environment, inheritEnvironment: false,
                                                functionName: "packaged-sender", region: "us-east-1", timeout: .seconds(60))).invoke(event: try event.jsonValue.data())
        }

        let withLayer = try await invoke(layerRoot: opt)
        guard case .response = withLayer.outcome else { Issue.record("with the layer: \(withLayer.outcome)"); return }
        let delivered = try await CodeInbox(sqs: sqs, queueUrl: queue).waitForCode(matching: .init(phoneNumber: "+15555550142"), timeout: .seconds(20))
        #expect(delivered.code == code)

        let withoutLayer = try await invoke(layerRoot: emptyOpt)
        guard case let .initError(type, message) = withoutLayer.outcome else { Issue.record("without the layer: \(withoutLayer.outcome)"); return }
        #expect(type == "Sender.EncryptionSDKLayerMissing")
        #expect(message.contains("Encryption SDK layer is missing") && message.contains("smsredirect/sender-core"))
        #expect(withoutLayer.exit != .exited(0))
    }

    @Test func thePackagedHelperStartsAndNamesWhatItLacks() async throws {
        let task = Self.scratch()
        defer { try? FileManager.default.removeItem(at: task) }
        try await Self.unpack("helper.zip", into: task)
        let report = try await LocalInvoker(.init(executable: task.appendingPathComponent("bootstrap").path, environment: ["AWS_REGION": "us-east-1"],
                                                  inheritEnvironment: false, functionName: "packaged-helper", region: "us-east-1", timeout: .seconds(30)))
            .invoke(event: Data("{}".utf8))
        guard case let .initError(type, message) = report.outcome else { Issue.record("\(report.outcome)"); return }
        #expect(type == "Runtime.MissingEnvironmentVariable")
        #expect(message.contains("JOURNAL_URI"))
    }
}
