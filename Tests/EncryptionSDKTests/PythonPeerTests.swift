import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK

/// Cross-check against the Python AWS Encryption SDK (aws-encryption-sdk==4.0.7, installed by
/// `make` / esdk.mk): Python-encrypted → Swift-decrypted and Swift-encrypted → Python-decrypted,
/// for every suite, with raw AES and raw RSA keys. Missing Python or the SDK is a failure.
@Suite("Python aws-encryption-sdk peer", .serialized, .needsPython("aws_encryption_sdk"))
struct PythonPeerTests {
    struct Job: Codable {
        var op: String
        var key_kind: String
        var key_file: String
        var padding: String = "oaep-sha256"
        var namespace = "esdk-peer"
        var key_name = "peer-key"
        var suite: String = "0x0578"
        var frame_length: String = "4096"
        var encryption_context: String = "{}"
        var data: String
    }
    struct Result: Codable { var ok: Bool; var data: String?; var error: String? }

    static func python() -> String { ProcessInfo.processInfo.environment["PYTHON"] ?? "python3" }

    /// Runs `scripts/esdk_peer.py batch` once for all jobs.
    static func runBatch(_ jobs: [Job]) async throws -> [Result] {
        let run = try await CommandRunner.run(
            "/usr/bin/env", [python(), TestPaths.scripts.appendingPathComponent("esdk_peer.py").path, "batch"],
            input: try JSONEncoder().encode(jobs))
        guard run.status == 0 else {
            throw PeerError(description: "esdk_peer.py exited \(run.status): \(run.standardError.suffix(600))")
        }
        return try JSONDecoder().decode([Result].self, from: Data(run.standardOutput.utf8))
    }
    struct PeerError: Error, CustomStringConvertible { let description: String }

    struct Keys {
        let dir: URL
        let aes: [Int: (file: String, keyring: RawAESKeyring)]
        let rsaFile: String
        let rsaPEM: String
    }

    static func makeKeys() throws -> Keys {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("esdk-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var aes: [Int: (String, RawAESKeyring)] = [:]
        for bytes in [16, 24, 32] {
            let key = Data((0..<bytes).map { _ in UInt8.random(in: 0...255) })
            let file = dir.appendingPathComponent("aes\(bytes)").path
            try key.write(to: URL(fileURLWithPath: file))
            aes[bytes] = (file, try RawAESKeyring(keyNamespace: "esdk-peer", keyName: "peer-key", wrappingKey: key))
        }
        let pem = try VectorKeys(url: TestPaths.esdkVectors.appendingPathComponent("python-generated/keys.json"))
            .keys["rsa-4096-private"]!.material
        let rsaFile = dir.appendingPathComponent("rsa.pem").path
        try Data(pem.utf8).write(to: URL(fileURLWithPath: rsaFile))
        return Keys(dir: dir, aes: aes, rsaFile: rsaFile, rsaPEM: pem)
    }

    /// (label, suite, frame length, key kind, AES bytes or RSA padding)
    static func cases() -> [(String, AlgorithmSuite, UInt32, String, Int, RawRSAKeyring.Padding)] {
        var out: [(String, AlgorithmSuite, UInt32, String, Int, RawRSAKeyring.Padding)] = []
        for suite in AlgorithmSuite.all {
            for frame: UInt32 in [4096, 0] {
                out.append(("\(suite) frame \(frame) aes-256", suite, frame, "aes", 32, .oaepSHA256))
            }
        }
        out.append(("0x0378 aes-128", .aes256GcmIv12Tag16HkdfSha384EcdsaP384, 4096, "aes", 16, .oaepSHA256))
        out.append(("0x0578 aes-192 frame 128", .aes256GcmHkdfSha512CommitKeyEcdsaP384, 128, "aes", 24, .oaepSHA256))
        for padding in RawRSAKeyring.Padding.allCases {
            out.append(("0x0578 rsa \(padding.rawValue)", .aes256GcmHkdfSha512CommitKeyEcdsaP384, 4096, "rsa", 0, padding))
            out.append(("0x0378 rsa \(padding.rawValue)", .aes256GcmIv12Tag16HkdfSha384EcdsaP384, 4096, "rsa", 0, padding))
        }
        return out
    }

    @Test("the peer is installed (python3 with aws_encryption_sdk 4.0.7)")
    func peerInstalled() async throws {
        let check = try await CommandRunner.run("/usr/bin/env", [Self.python(), "-c", "import aws_encryption_sdk; print(aws_encryption_sdk.__version__)"])
        let version = check.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(check.status == 0 && version == "4.0.7", "python aws-encryption-sdk missing: run `make deps`")
    }

    @Test("Python encrypts, Swift decrypts; Swift encrypts, Python decrypts")
    func bothWays() async throws {
        let keys = try Self.makeKeys()
        defer { try? FileManager.default.removeItem(at: keys.dir) }
        let cases = Self.cases()
        let context = #"{"userpool-id": "us-east-1_EXAMPLE", "ключ": "значение"}"#
        let plaintexts = cases.indices.map { i in Data((0..<(i % 3 == 0 ? 6 : 5000 + i)).map { _ in UInt8.random(in: 0...255) }) }

        func keyring(_ c: (String, AlgorithmSuite, UInt32, String, Int, RawRSAKeyring.Padding)) throws -> any Keyring {
            c.3 == "aes"
                ? keys.aes[c.4]!.keyring
                : try RawRSAKeyring(keyNamespace: "esdk-peer", keyName: "peer-key", padding: c.5, privateKeyPEM: keys.rsaPEM)
        }
        func job(_ op: String, _ c: (String, AlgorithmSuite, UInt32, String, Int, RawRSAKeyring.Padding), _ data: Data) -> Job {
            Job(
                op: op, key_kind: c.3, key_file: c.3 == "aes" ? keys.aes[c.4]!.file : keys.rsaFile, padding: c.5.rawValue,
                suite: "0x" + String(c.1.id, radix: 16), frame_length: String(c.2), encryption_context: context,
                data: data.base64EncodedString())
        }

        // Python → Swift
        let pyEncrypted = try await Self.runBatch(cases.indices.map { job("encrypt", cases[$0], plaintexts[$0]) })
        var pyToSwift = 0
        for (i, c) in cases.enumerated() {
            guard pyEncrypted[i].ok, let b64 = pyEncrypted[i].data, let message = Data(base64Encoded: b64) else {
                Issue.record("python encrypt failed for \(c.0): \(pyEncrypted[i].error ?? "?")"); continue
            }
            do {
                let h = try MessageHeader.parse([UInt8](message))
                #expect(h.suite == c.1 && h.frameLength == c.2, "\(c.0): header")
                let r = try await EncryptionSDKClient().decrypt(message, keyring: try keyring(c))
                if r.plaintext == plaintexts[i] { pyToSwift += 1 } else { Issue.record("\(c.0): python→swift wrong plaintext") }
            } catch {
                Issue.record("\(c.0): python→swift failed: \(error)")
            }
        }

        // Swift → Python
        var swiftMessages: [Data] = []
        for (i, c) in cases.enumerated() {
            let sdk = EncryptionSDKClient(commitmentPolicy: policy(for: c.1))
            let ctx = try JSONDecoder().decode([String: String].self, from: Data(context.utf8))
            swiftMessages.append(
                try await sdk.encrypt(
                    plaintexts[i], keyring: try keyring(c), encryptionContext: ctx,
                    suite: c.1, frameLength: c.2))
        }
        let pyDecrypted = try await Self.runBatch(cases.indices.map { job("decrypt", cases[$0], swiftMessages[$0]) })
        var swiftToPy = 0
        for (i, c) in cases.enumerated() {
            if pyDecrypted[i].ok, let b64 = pyDecrypted[i].data, Data(base64Encoded: b64) == plaintexts[i] {
                swiftToPy += 1
            } else {
                Issue.record("\(c.0): swift→python failed: \(pyDecrypted[i].error ?? "wrong plaintext")")
            }
        }
        print("esdk python peer: python→swift \(pyToSwift)/\(cases.count), swift→python \(swiftToPy)/\(cases.count)")
        #expect(pyToSwift == cases.count && swiftToPy == cases.count)
    }
}
