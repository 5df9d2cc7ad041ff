import Crypto
import Foundation
import Logging

/// What a provider did: the id CloudFormation will know the resource by, and its attributes.
public struct ProviderResult: Sendable, Equatable {
    /// The PhysicalResourceId to answer with; over 1 KB it is shortened to a head and a digest.
    public var physicalResourceId: String
    /// The resource's attributes for `Fn::GetAtt` (the response's `Data`).
    public var data: [String: String]

    /// A result answering with `physicalResourceId` and, optionally, attributes.
    public init(physicalResourceId: String, data: [String: String] = [:]) {
        self.physicalResourceId = physicalResourceId
        self.data = data
    }
}

/// A failure the provider knows how to name, with the PhysicalResourceId to answer with, and
/// the error it came from (an `AWSError`, a `PoolConfigError`…) for callers that act on the cause.
public struct ProviderFailure: CustomResourceFailure {
    /// The words CloudFormation shows: what failed, what was undone, what to do.
    public var reason: String
    /// The PhysicalResourceId to answer the FAILED response with; nil uses the event's or the provider's expected one.
    public var physicalResourceId: String?
    /// The error behind the reason, when there was one; the reason already says it in words.
    public var underlying: (any Error)?

    /// A failure CloudFormation shows as `reason`.
    public init(_ reason: String, physicalResourceId: String? = nil, underlying: (any Error)? = nil) {
        self.reason = reason
        self.physicalResourceId = physicalResourceId
        self.underlying = underlying
    }
}

/// The work behind a custom resource.
public protocol CustomResourceProvider: Sendable {
    func create(_ event: CustomResourceEvent) async throws -> ProviderResult
    func update(_ event: CustomResourceEvent) async throws -> ProviderResult
    func delete(_ event: CustomResourceEvent) async throws -> ProviderResult
    /// The id a Create would answer with, for an answer the work did not give (a timeout, an
    /// unexpected error): the Delete that follows a failed Create then finds what was begun.
    func expectedPhysicalResourceId(for event: CustomResourceEvent) -> String?
}

extension CustomResourceProvider {
    /// No expected id: an unanswered Create falls back to `failed-<RequestId>`.
    public func expectedPhysicalResourceId(for event: CustomResourceEvent) -> String? { nil }
}

/// Runs a provider so that every event gets exactly one response: on success, on a thrown
/// error, and — through a watchdog — shortly before the Lambda deadline when the work hangs.
/// (A Swift trap ends the process and cannot be caught; the resource's ServiceTimeout bounds
/// CloudFormation's wait then.)
public struct CustomResourceLifecycle: Sendable {
    /// The work each event is handed to.
    public let provider: any CustomResourceProvider
    /// Delivers the one response to the event's ResponseURL.
    public let sender: any ResponseSending
    /// How long before the deadline the watchdog answers FAILED: time for the PUT itself.
    public let watchdogMargin: Duration

    /// A lifecycle for `provider`, answering over HTTPS by default, the watchdog 10 s before the deadline.
    public init(provider: any CustomResourceProvider, sender: any ResponseSending = HTTPResponseSender(), watchdogMargin: Duration = .seconds(10)) {
        self.provider = provider
        self.sender = sender
        self.watchdogMargin = watchdogMargin
    }

    /// Handles one event and returns the response that was sent.
    public func handle(_ event: CustomResourceEvent, remainingTime: Duration, logger: Logger) async throws -> CustomResourceResponse {
        var logger = logger
        logger[metadataKey: "requestType"] = "\(event.requestType.rawValue)"
        logger[metadataKey: "cfnRequestId"] = "\(event.requestId)"
        logger[metadataKey: "logicalResourceId"] = "\(event.logicalResourceId)"
        let fallbackId = event.physicalResourceId ?? provider.expectedPhysicalResourceId(for: event) ?? "failed-\(event.requestId)"
        let budget = remainingTime - watchdogMargin
        let provider = self.provider

        let outcome: CustomResourceResponse = await withTaskGroup(of: CustomResourceResponse?.self) { group in
            group.addTask {
                do {
                    let result: ProviderResult =
                        switch event.requestType {
                        case .create: try await provider.create(event)
                        case .update: try await provider.update(event)
                        case .delete: try await provider.delete(event)
                        }
                    return CustomResourceResponse(status: .success, physicalResourceId: Self.fitted(result.physicalResourceId), event: event, data: result.data)
                } catch let failure as any CustomResourceFailure {
                    return CustomResourceResponse(
                        status: .failed, reason: failure.reason, physicalResourceId: Self.fitted(failure.physicalResourceId ?? fallbackId), event: event)
                } catch is CancellationError {
                    return nil
                } catch {
                    return CustomResourceResponse(status: .failed, reason: "\(error)", physicalResourceId: Self.fitted(fallbackId), event: event)
                }
            }
            group.addTask {
                try? await Task.sleep(for: max(budget, .zero))
                if Task.isCancelled { return nil }
                return CustomResourceResponse(
                    status: .failed, reason: "timed out: the \(event.requestType.rawValue) did not finish before the helper's deadline; see its log",
                    physicalResourceId: Self.fitted(fallbackId), event: event)
            }
            var first: CustomResourceResponse?
            for await candidate in group {
                if let candidate { first = candidate; break }
            }
            group.cancelAll()
            return first ?? CustomResourceResponse(status: .failed, reason: "cancelled", physicalResourceId: Self.fitted(fallbackId), event: event)
        }

        if outcome.status == .failed {
            logger.error("custom resource failed", metadata: ["reason": "\(outcome.reason ?? "")", "physicalResourceId": "\(outcome.physicalResourceId)"])
        } else {
            logger.info("custom resource succeeded", metadata: ["physicalResourceId": "\(outcome.physicalResourceId)"])
        }
        try await sender.send(outcome, to: event.responseURL)
        return outcome
    }

    /// PhysicalResourceIds over 1 KB are refused: keep a readable head and a digest of the whole.
    static func fitted(_ id: String) -> String {
        guard id.utf8.count > CustomResourceResponse.maxPhysicalResourceIdBytes else { return id }
        return String(id.prefix(200)) + "…" + StableDigest.hex(id, length: 16)
    }
}
