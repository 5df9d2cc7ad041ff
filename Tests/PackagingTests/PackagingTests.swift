import AWSCore
import AWSServices
import EncryptionSDKKMS
import Foundation
import LambdaLocal
import LambdaRuntime
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// The zips in dist/ (`make package`; `make test` makes them from its debug build): what Lambda
/// would unpack, checked for Lambda's glibc and run from where Lambda would run them.
@Suite(.serialized, .needsMoto, .needsZips, .needsRoot)
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

    /// The libraries glibc itself provides (libpthread, libdl, librt and libutil are part of libc since 2.34).
    static let glibcLibraries: Set<String> = ["libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1"]

    /// The NEEDED libraries and the RPATH/RUNPATH entries of an ELF file, read with readelf.
    static func dynamicSection(_ path: String) async throws -> (needed: Set<String>, searchPaths: [String]) {
        let dump = try await CommandRunner.run("/usr/bin/readelf", ["-d", path])
        #expect(dump.status == 0, "readelf \(path): \(dump.standardError)")
        let needed = dump.standardOutput.matches(of: /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/).map { String($0.1) }
        let paths = dump.standardOutput.matches(of: /\(R(?:UN)?PATH\)\s+Library r(?:un)?path: \[([^\]]*)\]/)
            .flatMap { $0.1.split(separator: ":").map(String.init) }
        return (Set(needed), paths)
    }

    static func isNewer(_ version: String, than limit: String) -> Bool {
        let left = version.split(separator: ".").compactMap { Int($0) }, right = limit.split(separator: ".").compactMap { Int($0) }
        for (a, b) in zip(
            left + Array(repeating: 0, count: max(0, right.count - left.count)), right + Array(repeating: 0, count: max(0, left.count - right.count)))
        where a != b {
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

            // provided.al2023 promises glibc and nothing else: no Swift runtime, libstdc++, zlib or SQLite.
            let dynamic = try await Self.dynamicSection(file.path)
            #expect(
                dynamic.needed.isSubset(of: Self.glibcLibraries),
                "\(package)/\(file.lastPathComponent) needs \(dynamic.needed.subtracting(Self.glibcLibraries).sorted())")
            #expect(dynamic.searchPaths.allSatisfy { $0.hasPrefix("$ORIGIN") }, "\(package)/\(file.lastPathComponent) has RPATH/RUNPATH \(dynamic.searchPaths)")
        }
        #expect(elfFiles >= 1, "\(package) has no ELF file")
    }

    /// scripts/check-lambda-elf.sh (run by `make package` on every zip, debug or release) passes
    /// what ships and rejects a binary built against the toolchain, naming the library and the path.
    @Test func theELFCheckPassesTheZipsAndRejectsAToolchainLinkedBinary() async throws {
        let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/check-lambda-elf.sh").path
        let shipped = Self.scratch(), toolchainLinked = Self.scratch()
        defer { try? FileManager.default.removeItem(at: shipped); try? FileManager.default.removeItem(at: toolchainLinked) }
        for package in ["sender.zip", "helper.zip", "encryption-sdk-layer.zip"] {
            try await Self.unpack(package, into: shipped.appendingPathComponent(package))
        }
        let pass = try await CommandRunner.run(script, [shipped.path])
        #expect(pass.status == 0, "\(pass.standardOutput)\(pass.standardError)")

        // The debug build of `sender` links the toolchain's libswiftCore.so through a RUNPATH.
        try FileManager.default.createDirectory(at: toolchainLinked, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try BuiltProducts.path("sender"), toPath: toolchainLinked.appendingPathComponent("bootstrap").path)
        let fail = try await CommandRunner.run(script, [toolchainLinked.path])
        #expect(fail.status != 0)
        #expect(fail.standardError.contains("libswiftCore.so") && fail.standardError.contains("does not promise"), "\(fail.standardError)")
        #expect(fail.standardError.contains("RUNPATH outside $ORIGIN"), "\(fail.standardError)")
    }

    /// GlibcCompat stands in for the glibc functions newer than 2.34 that static libgcc and
    /// libstdc++ call: a program linked as the Lambdas are still catches a C++ exception and draws
    /// random numbers in a bare root, and needs no newer symbol version.
    @Test func theGlibcCompatStandInsWorkInABareRoot() async throws {
        let work = Self.scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let root = BuiltProducts.packageRoot, probe = work.appendingPathComponent("bootstrap").path
        let compat = try await CommandRunner.run(
            "/usr/bin/cc",
            [
                "-O2", "-c", "-o", work.appendingPathComponent("compat.o").path,
                root.appendingPathComponent("Sources/GlibcCompat/Compat.c").path,
            ])
        #expect(compat.status == 0, "\(compat.standardError)")
        let built = try await CommandRunner.run(
            "/usr/bin/c++",
            [
                "-O2", "-static-libstdc++", "-static-libgcc", "-o", probe,
                root.appendingPathComponent("fixtures/probes/glibc-compat-probe.cpp").path,
                work.appendingPathComponent("compat.o").path,
            ])
        #expect(built.status == 0, "\(built.standardError)")
        let needs = try await Self.symbolVersions(probe)
        #expect(!needs.contains { $0.hasPrefix("GLIBC_") && Self.isNewer(String($0.dropFirst(6)), than: "2.34") }, "\(needs.sorted())")
        #expect(try await Self.dynamicSection(probe).needed.isSubset(of: Self.glibcLibraries))

        let zip = work.appendingPathComponent("probe.zip").path
        let zipped = try await CommandRunner.run("/usr/bin/zip", ["-q", "-j", zip, probe])
        #expect(zipped.status == 0, "\(zipped.standardError)")
        let sandbox = try await LambdaSandbox.make(function: URL(fileURLWithPath: zip))
        defer { sandbox.remove() }
        let ran = try await sandbox.run("/var/task/bootstrap")
        #expect(ran.status == 0, "\(ran.standardError)")
        #expect(ran.standardOutput == "caught thrown, random varies\n")
    }

    @Test func theLimitComparisonCanSayNewer() {
        #expect(Self.isNewer("2.35", than: "2.34"))
        #expect(!Self.isNewer("2.34", than: "2.34"))
        #expect(Self.isNewer("3.4.30", than: "3.4.29"))
        #expect(!Self.isNewer("2.2.5", than: "2.34"))
    }

    static func shipped(_ name: String) throws -> URL {
        let zip = dist.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: zip.path) else { throw MissingPackage(path: zip.path) }
        return zip
    }

    /// The shipped sender, in a sandbox holding only glibc (as `provided.al2023`), started the way
    /// Lambda starts it, resolving its endpoint by name: with the layer it delivers a
    /// Cognito-encrypted code to the inbox; without it, it tells Lambda why as an init error.
    @Test func theShippedSenderDeliversACodeFromABareRootAndSaysWhenTheLayerIsMissing() async throws {
        let withLayer = try await LambdaSandbox.make(function: try Self.shipped("sender.zip"), layers: [try Self.shipped("encryption-sdk-layer.zip")])
        let withoutLayer = try await LambdaSandbox.make(function: try Self.shipped("sender.zip"))
        defer { withLayer.remove(); withoutLayer.remove() }

        let kms = try KMSClient(configuration: Moto.configuration()), sns = try SNSClient(configuration: Moto.configuration()),
            sqs = try SQSClient(configuration: Moto.configuration())
        let key = try await kms.createKey()
        let topic = try await sns.createTopic(name: Moto.uniqueName("packaged"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("packaged-inbox"))
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: try #require(try await sqs.getQueueAttributes(queueUrl: queue)["QueueArn"]))
        let code = "packaged-\(UUID().uuidString.prefix(8))"
        let event = try await CognitoSimulator(kmsKeyArn: key.arn, kms: kms).event(
            triggerSource: .smsSignUp, code: code, userPoolId: "us-east-1_Packaged",
            userName: "packaged", phoneNumber: "+15555550142", region: "us-east-1")
        SecretLedger.record(.code, code)
        SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))

        func invoke(_ sandbox: LambdaSandbox) async throws -> (LocalInvoker.Report, String) {
            let log = TestLogs.path("\(sandbox.root.lastPathComponent).log")
            defer { if !TestLogs.isKept(log) { try? FileManager.default.removeItem(atPath: log) } }
            let environment = [
                "KMS_KEY_ARN": key.arn, "SNS_TOPIC_ARN": topic, "AWS_ENDPOINT_URL": try LambdaSandbox.endpointByName(),
                "AWS_ACCESS_KEY_ID": ShippedLambda.sender.accessKeyId, "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "shipped-sender-session",
            ]
            let report = try await LocalInvoker(
                sandbox.invoker(environment: environment, functionName: "packaged-sender", timeout: .seconds(60), output: .file(log))
            )
            .invoke(event: try event.jsonValue.data())
            return (report, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }

        let (delivered, deliveredLog) = try await invoke(withLayer)
        guard case .response = delivered.outcome else { Issue.record("with the layer: \(delivered.outcome); its output:\n\(deliveredLog)"); return }
        let record = try await CodeInbox(sqs: sqs, queueUrl: queue).waitForCode(matching: .init(phoneNumber: "+15555550142"), timeout: Moto.arrivalTimeout)
        #expect(record.code == code)

        let (missing, missingLog) = try await invoke(withoutLayer)
        guard case let .initError(type, message) = missing.outcome else {
            Issue.record("without the layer: \(missing.outcome); its output:\n\(missingLog)"); return
        }
        #expect(type == "Sender.EncryptionSDKLayerMissing")
        #expect(message.contains("Encryption SDK layer is missing") && message.contains("/opt/smsredirect/sender-core"))
        #expect(missing.exit != .exited(0))
    }

    /// The shipped helper starts in a bare root and names the setting it lacks.
    @Test func theShippedHelperStartsInABareRootAndNamesWhatItLacks() async throws {
        let sandbox = try await LambdaSandbox.make(function: try Self.shipped("helper.zip"))
        defer { sandbox.remove() }
        let report = try await LocalInvoker(sandbox.invoker(environment: [:], functionName: "packaged-helper", timeout: .seconds(30), output: .standardError))
            .invoke(event: Data("{}".utf8))
        guard case let .initError(type, message) = report.outcome else { Issue.record("\(report.outcome)"); return }
        #expect(type == "Runtime.MissingEnvironmentVariable")
        #expect(message.contains("JOURNAL_URI"))
    }
}
