import Foundation
import Testing
import TestSupport

/// `scripts/check-secrets-not-logged.py`, the last step of `make test`: it must catch a six-digit
/// code printed anywhere (the run's output or a log file), not mistake a timestamp's digits for one,
/// and fail when a kind of secret was recorded too rarely to be checked.
@Suite(.needsPython())
struct SecretCheckTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secret-check-\(UUID().uuidString)")
    let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/check-secrets-not-logged.py").path

    /// A ledger that meets every minimum: the codes are 100000…, far from the digits the logs hold.
    func ledger(extra: [String] = [], dropping kind: String? = nil) throws -> String {
        var lines: [String] = []
        for index in 0..<60 { lines.append("code\t\(100_000 + index)") }
        for index in 0..<4 { lines.append("password\tTmp-\(index)-Passw0rd!") }
        for index in 0..<15 { lines.append("ciphertext\tAYADeHh\(index)ZXhhbXBsZS1jaXBoZXJ0ZXh0LWJhc2U2NA") }
        for index in 0..<60 { lines.append("responseURLSignature\t\(String(repeating: "ab", count: 16))\(index)") }
        let path = directory.appendingPathComponent("ledger.txt")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("logs"), withIntermediateDirectories: true)
        try ((lines + extra).filter { kind == nil || !$0.hasPrefix(kind! + "\t") }.joined(separator: "\n") + "\n").write(
            to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    func check(output: String, log: String = "", ledger: String) async throws -> CommandResult {
        let outputPath = directory.appendingPathComponent("output.log")
        try output.write(to: outputPath, atomically: true, encoding: .utf8)
        try log.write(to: directory.appendingPathComponent("logs/sender.log"), atomically: true, encoding: .utf8)
        return try await CommandRunner.run("/usr/bin/env", ["python3", script, ledger, outputPath.path, directory.appendingPathComponent("logs").path])
    }

    @Test func aCleanRunPasses() async throws {
        let run = try await check(output: "at 2026-12-02T10:00:00.100007Z pid 1000123 offset 00:100011.5 x100013", ledger: try ledger())
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("60 codes"))
    }

    @Test func aSixDigitCodeInALogFileIsALeak() async throws {
        let run = try await check(output: "nothing here", log: #"{"level":"info","message":"published","code":"100007"}"#, ledger: try ledger())
        #expect(run.status == 1)
        #expect(run.standardError.contains("sender.log:1"), "\(run.standardError)")
    }

    @Test func aLongSecretInsideAWordIsStillALeak() async throws {
        let run = try await check(output: "url=https://b.s3/x?X-Amz-Signature=\(String(repeating: "ab", count: 16))7&", ledger: try ledger())
        #expect(run.status == 1, "\(run.standardOutput)")
    }

    @Test(arguments: ["code", "password", "ciphertext", "responseURLSignature"])
    func aKindRecordedTooRarelyFailsTheCheck(_ kind: String) async throws {
        let run = try await check(output: "", ledger: try ledger(dropping: kind))
        #expect(run.status == 1)
        #expect(run.standardError.contains("too few secrets of a kind") && run.standardError.contains("\(kind) 0"), "\(run.standardError)")
    }
}
