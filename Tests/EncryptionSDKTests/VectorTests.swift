import AWSCore
import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK

/// Runs every decrypt vector in fixtures/vectors/esdk. Positive vectors must decrypt to the
/// exact plaintext; negative ones must fail. Failures are reported with the vector id.
@Suite("ESDK decrypt vectors", .tags(.unit))
struct VectorTests {
    static let folders = ["net-4.0.1", "net-4.0.0-valid", "net-4.0.0-invalid", "python-generated"]

    struct Outcome { var passed = 0; var failed = 0; var skipped = 0; var failures: [String] = []; var errorKinds: [String: Int] = [:] }

    static func run(folder: String) async throws -> Outcome {
        let dir = TestPaths.esdkVectors.appendingPathComponent(folder)
        let manifest = try JSONValue(data: Data(contentsOf: dir.appendingPathComponent("manifest.json")))
        let keys = try VectorKeys(url: resolve(try #require(manifest["keys"]?.stringValue), relativeTo: dir))
        let tests = try #require(manifest["tests"]?.objectValue, "\(folder)/manifest.json has no tests")
        var outcome = Outcome()
        let client = EncryptionSDKClient(commitmentPolicy: .requireEncryptAllowDecrypt)
        for id in tests.keys.sorted() {
            let test = try #require(tests[id])
            let keyrings: [any Keyring]
            do {
                keyrings = try (try #require(test["master-keys"]?.arrayValue)).map(keys.keyring(for:))
            } catch {
                outcome.skipped += 1
                print("esdk vectors: skip \(folder)/\(id): \(error)")
                continue
            }
            let keyring = keyrings.count == 1 ? keyrings[0] : MultiKeyring(generator: nil, children: keyrings)
            let ciphertext = try Data(contentsOf: resolve(try #require(test["ciphertext"]?.stringValue), relativeTo: dir))
            let reproduced = test["encryption-context"]?.stringObjectValue ?? [:]
            let unsignedOnly = test["decryption-method"]?.stringValue == "streaming-unsigned-only"
            let result = try #require(test["result"])
            let expected: Data? = try result["output"]?.objectValue.map {
                try Data(contentsOf: resolve(try #require($0["plaintext"]?.stringValue), relativeTo: dir))
            }
            do {
                let r = try await client.decrypt(ciphertext, keyring: keyring, encryptionContext: reproduced, unsignedOnly: unsignedOnly)
                if let expected, r.plaintext == expected {
                    outcome.passed += 1
                } else {
                    outcome.failed += 1
                    outcome.failures.append("\(folder)/\(id): " + (expected == nil ? "must fail but decrypted" : "wrong plaintext"))
                }
            } catch {
                if expected == nil {
                    outcome.passed += 1
                    outcome.errorKinds["\(error)".split(separator: ":").first.map(String.init) ?? "?", default: 0] += 1
                } else {
                    outcome.failed += 1
                    outcome.failures.append("\(folder)/\(id): must succeed but failed: \(error)")
                }
            }
        }
        return outcome
    }

    @Test("all decrypt vectors pass")
    func allVectors() async throws {
        var total = Outcome()
        for folder in Self.folders {
            let o = try await Self.run(folder: folder)
            print("esdk vectors [\(folder)]: \(o.passed) passed, \(o.failed) failed, \(o.skipped) skipped")
            total.passed += o.passed; total.failed += o.failed; total.skipped += o.skipped
            total.failures += o.failures
            total.errorKinds.merge(o.errorKinds, uniquingKeysWith: +)
        }
        print("esdk vectors: \(total.passed) passed, \(total.failed) failed")
        // Which check rejected the negative vectors (a sanity check that they fail for real reasons).
        for (kind, n) in total.errorKinds.sorted(by: { $0.value > $1.value }) { print("esdk vectors: rejected by \(kind): \(n)") }
        for f in total.failures { Issue.record("\(f)") }
        #expect(total.passed >= 2674, "expected every one of the 2674 vectors to run and pass")
        #expect(total.skipped == 0)
    }
}
