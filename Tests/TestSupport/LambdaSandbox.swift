import Foundation
import LambdaLocal
import LambdaRuntime

/// A function's sandbox as Lambda's `provided.al2023` lays it out, made from the shipped zips by
/// `scripts/lambda-root.sh` and entered by `scripts/enter-lambda-root.sh` (a mount namespace with
/// /proc and /dev, then `chroot`): `/var/task`, the layers under `/opt`, and nothing of this
/// machine but glibc. What runs here runs without the Swift toolchain, libstdc++,
/// zlib or SQLite, as on Lambda.
public struct LambdaSandbox: Sendable {
    public let root: URL

    /// Why the sandbox can't be entered: the tests fail with this, they never skip.
    public struct Unavailable: Error, CustomStringConvertible {
        public let reason: String
        public var description: String {
            "the bare-root Lambda sandbox can't be used: \(reason). Entering it needs root (unshare, mount and chroot; CI runs as root): run `make test` as root."
        }
    }

    /// Lays out a fresh sandbox with the function zip in `/var/task` and each layer zip in `/opt`,
    /// and checks that it can be entered.
    public static func make(function: URL, layers: [URL] = []) async throws -> LambdaSandbox {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lambda-root-\(UUID().uuidString.prefix(8))")
        let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/lambda-root.sh").path
        let laid = try await CommandRunner.run(script, [root.path, function.path] + layers.map(\.path))
        guard laid.status == 0 else { throw Unavailable(reason: "lambda-root.sh failed (\(laid.status)): \(laid.standardError)") }
        let sandbox = LambdaSandbox(root: root)
        // glibc's loader is the one program every sandbox has: if it can't run there, nothing can.
        let probe = try await CommandRunner.run(enter, [root.path, "/lib64/ld-linux-x86-64.so.2", "--version"])
        guard probe.status == 0 else { throw Unavailable(reason: "entering \(root.path) failed (\(probe.status)): \(probe.standardError)") }
        return sandbox
    }

    /// A ``LocalInvoker`` configuration that starts `/var/task/bootstrap` inside the sandbox, with
    /// Lambda's environment and `extra` on top (credentials, endpoints, the function's variables).
    public func invoker(environment extra: [String: String], functionName: String, timeout: Duration, output: ChildOutput) -> LocalInvoker.Configuration {
        LocalInvoker.sandboxed(
            command: [Self.enter, root.path, "/var/task/bootstrap"], environment: extra, functionName: functionName,
            region: "us-east-1", timeout: timeout, output: output)
    }

    /// Runs `program` inside the sandbox to completion, with this process's environment and `environment` on top.
    public func run(_ program: String, _ arguments: [String] = [], environment: [String: String] = [:]) async throws -> CommandResult {
        try await CommandRunner.run(Self.enter, [root.path, program] + arguments, environment: environment)
    }

    static let enter = BuiltProducts.packageRoot.appendingPathComponent("scripts/enter-lambda-root.sh").path

    /// The moto endpoint with its host written as `localhost`, so the function resolves a name
    /// (through the sandbox's /etc/hosts and glibc's NSS) as it resolves AWS's on Lambda.
    public static func endpointByName() throws -> String {
        try Moto.endpoint().replacingOccurrences(of: "://127.0.0.1:", with: "://localhost:")
    }

    public func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
