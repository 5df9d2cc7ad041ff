import Foundation

/// The executables `swift build` put beside the test bundle, for tests that run them as processes.
public enum BuiltProducts {
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The outside test vectors the repository carries (`fixtures/vectors`: SigV4 suite, Encryption SDK, Cognito).
    public static let vectors = packageRoot.appendingPathComponent("fixtures/vectors")

    /// `.build/<triple>/debug`: next to the test runner, else `.build/debug`.
    public static let directory: URL = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [runner, runner.deletingLastPathComponent(), packageRoot.appendingPathComponent(".build/debug")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("smsredirect").path) }
            ?? packageRoot.appendingPathComponent(".build/debug")
    }()

    /// The path of a built executable, or an error that says to build first.
    public static func path(_ name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw NotBuilt(name: name, path: path) }
        return path
    }

    public struct NotBuilt: Error, CustomStringConvertible {
        public let name: String
        public let path: String
        public var description: String { "\(name) is not built at \(path): run `swift build --build-tests` (make test does) first" }
    }
}
