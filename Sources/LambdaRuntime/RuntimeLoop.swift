#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// Drives a ``LambdaHandler`` over a ``RuntimeAPIClient``: set-up once, then
/// next → handle → response/error, forever (or `maxInvocations` times, for tests).
public struct RuntimeLoop<Handler: LambdaHandler> {
    /// The handler every invocation is served by.
    public let handler: Handler
    /// The base logger; each invocation's context adds its `requestId`.
    public let logger: Logger

    /// Creates a loop over a handler that is already set up (``initialize(client:context:setUp:)`` does that).
    public init(handler: Handler, logger: Logger) {
        self.handler = handler
        self.logger = logger
    }

    /// Runs the set-up phase. When `setUp` throws, posts the error to `…/init/error`
    /// and throws ``InitializationFailed`` so the caller can exit non-zero.
    public static func initialize<Client: RuntimeAPIClient>(
        client: inout Client,
        context: InitializationContext,
        setUp: (InitializationContext) async throws -> Handler
    ) async throws -> RuntimeLoop {
        do {
            let handler = try await setUp(context)
            return RuntimeLoop(handler: handler, logger: context.logger)
        } catch {
            let report = ErrorReport(describing: error)
            context.logger.critical(
                "Initialization failed",
                metadata: ["errorType": .string(report.errorType), "errorMessage": .string(report.errorMessage)]
            )
            try await client.postInitError(report)
            throw InitializationFailed(report: report)
        }
    }

    /// Serves invocations until `maxInvocations` (nil: forever) or a transport error.
    public func run<Client: RuntimeAPIClient>(client: inout Client, maxInvocations: Int? = nil) async throws {
        var served = 0
        while maxInvocations.map({ served < $0 }) ?? true {
            let invocation = try await client.nextInvocation()
            served += 1
            // X-Ray SDKs read the trace header from the environment, per invocation.
            Platform.setEnvironment(RuntimeAPI.traceIDVariable, invocation.traceID)
            let context = LambdaContext(invocation: invocation, logger: logger)
            do {
                switch await execute(invocation.event, context: context) {
                case .success(let body):
                    try await client.postResponse(requestID: invocation.requestID, body: body)
                case .failure(let report):
                    // The error's type and message are logged, never the event.
                    context.logger.error(
                        "Invocation failed",
                        metadata: ["errorType": .string(report.errorType), "errorMessage": .string(report.errorMessage)]
                    )
                    try await client.postError(requestID: invocation.requestID, report: report)
                }
            } catch let error as RuntimeAPIClientError where error.isRejection {
                // A 4xx (e.g. 413 for an oversized response) fails this invocation only;
                // anything else means the Runtime API is unusable and the process must go.
                context.logger.error("Runtime API rejected the result", metadata: ["error": .string(error.description)])
            }
        }
    }

    /// Decode, handle, encode; every failure becomes an ``ErrorReport``.
    func execute(_ payload: Data, context: LambdaContext) async -> Result<Data, ErrorReport> {
        let event: Handler.Event
        do {
            event = try JSONDecoder().decode(Handler.Event.self, from: payload)
        } catch {
            return .failure(ErrorReport(describing: RuntimeError.unmarshal(error)))
        }
        let output: Handler.Output
        do {
            output = try await handler.handle(event, context: context)
        } catch {
            return .failure(ErrorReport(describing: error))
        }
        do {
            return .success(try JSONEncoder().encode(output))
        } catch {
            return .failure(ErrorReport(describing: RuntimeError.marshal(error)))
        }
    }
}

/// Set-up failed and was reported to `…/init/error`.
public struct InitializationFailed: Error, Equatable {
    /// The report that was posted.
    public let report: ErrorReport
}

extension ErrorReport: Error {}
