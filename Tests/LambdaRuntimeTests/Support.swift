import AWSCore
import Foundation
import Testing
import TestSupport

@testable import LambdaLocal
@testable import LambdaRuntime

/// Locations of the package's built products and fixtures.
enum Paths {
    static let packageRoot = BuiltProducts.packageRoot

    static func product(_ name: String) throws -> String { try BuiltProducts.path(name) }

    static let pythonHandlers = packageRoot.appendingPathComponent("Tests/python").path
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A temporary file path, removed when the test's scope ends.
struct TemporaryFile: ~Copyable {
    let path: String
    init(_ suffix: String = ".log") {
        path =
            suffix == ".log"
            ? TestLogs.path("lambda-runtime.log")
            : FileManager.default.temporaryDirectory.appendingPathComponent("lambda-runtime-\(UUID().uuidString)\(suffix)").path
    }
    deinit { if !TestLogs.isKept(path) { try? FileManager.default.removeItem(atPath: path) } }

    var contents: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}

extension InvocationOutcome {
    /// The response body parsed as a JSON object, or a test failure.
    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: JSONValue] {
        guard case .response(let body) = self else {
            throw TestFailure("expected a response, got \(self)")
        }
        guard let object = (try? JSONValue(data: body))?.objectValue else {
            throw TestFailure("response is not a JSON object: \(String(decoding: body, as: UTF8.self))")
        }
        return object
    }
}

func json(_ text: String) -> Data { Data(text.utf8) }

/// An EchoLambda configuration with its required variable set.
func echoConfiguration(
    environment: [String: String] = ["ECHO_GREETING": "hello"],
    timeout: Duration = .seconds(60),
    output: ChildOutput = .standardError
) throws -> LocalInvoker.Configuration {
    LocalInvoker.Configuration(
        executable: try Paths.product("EchoLambda"),
        environment: environment,
        timeout: timeout,
        output: output
    )
}

/// Starts a loopback Runtime API, runs `body`, and shuts the server down whatever happens.
func withLoopback(_ body: (LoopbackRuntimeAPI) async throws -> Void) async throws {
    let api = try await LoopbackRuntimeAPI.start()
    do {
        try await body(api)
    } catch {
        await api.shutdown()
        throw error
    }
    await api.shutdown()
}

/// Runs `executable` as a runtime against a fresh loopback Runtime API, for tests that
/// need to choose request ids, trace ids or deadlines themselves (``LocalInvoker``
/// chooses them otherwise). The child is killed when `body` returns.
func withSpawnedRuntime(
    executable: String,
    arguments: [String] = [],
    environment: [String: String],
    _ body: (LoopbackRuntimeAPI) async throws -> Void
) async throws {
    try await withLoopback { api in
        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["AWS_LAMBDA_RUNTIME_API"] = api.endpoint.description
        childEnvironment.merge(environment) { $1 }
        let child = try ChildProcess.spawn(
            executable: executable, arguments: arguments, environment: childEnvironment, output: .standardError
        )
        let watcher = Task {
            let exit = await child.wait()
            api.finishPending(with: .runtimeExited(status: exit.status))
        }
        defer {
            child.signalGroup(SIGKILL)
            watcher.cancel()
        }
        try await body(api)
    }
}
