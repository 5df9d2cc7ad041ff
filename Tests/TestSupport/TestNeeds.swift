import Foundation
import Synchronization
import Testing

/// What a suite needs beyond the toolchain, as Swift Testing conditions. A plain `swift test` on a
/// machine with only the toolchain runs the rest and reports each of these suites as skipped, with
/// the reason; `make test` provides all of them and fails if anything was skipped
/// (`scripts/refuse-skips.sh`), so a missing service can never pass as a green run.
public enum TestNeeds {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The moto servers `make test` starts (scripts/with-moto.sh exports their URL).
    public static var motoIsRunning: Bool { !(environment["AWS_ENDPOINT_URL"] ?? "").isEmpty }

    /// The CloudFormation engine `make test-stack` starts (scripts/with-ministack.sh).
    public static var ministackIsRunning: Bool { !(environment["MINISTACK_ENDPOINT_URL"] ?? "").isEmpty }

    /// The three Lambda zips `make test-package` writes to dist/.
    public static var zipsAreBuilt: Bool {
        ["sender.zip", "helper.zip", "encryption-sdk-layer.zip"].allSatisfy {
            FileManager.default.fileExists(atPath: BuiltProducts.packageRoot.appendingPathComponent("dist/\($0)").path)
        }
    }

    /// Root, which entering a bare root as Lambda does takes (unshare, mount, chroot).
    public static var isRoot: Bool { getuid() == 0 }

    private static let imports = Mutex<[String: Bool]>([:])

    /// Whether `python3` imports every one of `modules` (asked once per set, then remembered).
    public static func pythonImports(_ modules: [String]) -> Bool {
        let key = modules.joined(separator: ",")
        if let known = imports.withLock({ $0[key] }) { return known }
        let check = try? CommandRunner.runBlocking(
            "/usr/bin/env", ["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")], environment: [:], input: nil)
        let imported = check?.status == 0
        imports.withLock { $0[key] = imported }
        return imported
    }

    /// Whether `node` is on the PATH.
    public static var nodeIsInstalled: Bool {
        (environment["PATH"] ?? "").split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/node") }
    }
}

extension Trait where Self == ConditionTrait {
    /// The suite talks to moto: skipped, saying so, where moto is not running.
    public static var needsMoto: Self {
        .enabled(
            if: TestNeeds.motoIsRunning,
            Comment(rawValue: "needs the moto servers that `make test` starts on loopback (or run it under scripts/with-moto.sh)"))
    }

    /// The suite deploys through ministack's CloudFormation engine.
    public static var needsMinistack: Self {
        .enabled(
            if: TestNeeds.ministackIsRunning,
            Comment(rawValue: "needs ministack, the CloudFormation engine `make test-stack` starts (scripts/with-ministack.sh)"))
    }

    /// The suite reads or runs the zips in dist/.
    public static var needsZips: Self {
        .enabled(if: TestNeeds.zipsAreBuilt, Comment(rawValue: "needs the Lambda zips in dist/ that `make test-package` writes"))
    }

    /// The suite runs shipped artifacts in a bare root, as Lambda runs them.
    public static var needsRoot: Self {
        .enabled(if: TestNeeds.isRoot, Comment(rawValue: "needs root, to enter a bare root as Lambda does (unshare, mount, chroot)"))
    }

    /// The suite runs a Python script or peer that imports `modules` (pinned in scripts/pins.sh);
    /// with none, python3 alone.
    public static func needsPython(_ modules: String...) -> Self {
        .enabled(
            if: TestNeeds.pythonImports(modules),
            Comment(
                rawValue: modules.isEmpty
                    ? "needs python3" : "needs python3 with \(modules.joined(separator: ", ")) (pinned in scripts/pins.sh; `make deps` installs them)"))
    }

    /// The suite runs the JavaScript client's own tests.
    public static var needsNode: Self {
        .enabled(if: TestNeeds.nodeIsInstalled, Comment(rawValue: "needs node, for clients/node's tests (`make deps` installs Debian's nodejs)"))
    }
}
