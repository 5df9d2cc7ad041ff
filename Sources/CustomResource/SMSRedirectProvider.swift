import AWSCore
import Foundation

/// The custom resource `Custom::SMSRedirectAttachment`: Create attaches, Update re-attaches when
/// a property changed, Delete restores.
public struct SMSRedirectProvider: CustomResourceProvider {
    /// Does the attaching and restoring, journal first.
    public let attacher: Attacher

    /// Names the templates derive from the stack name stay within AWS limits up to this length.
    public static let maxStackNameLength = 48

    /// A provider that attaches and restores through `attacher`.
    public init(attacher: Attacher) { self.attacher = attacher }

    /// Attaches the redirect the properties describe; the result's `Data` has `AttachmentId`, and
    /// `LayerVersionArn` and `ReplacedSender` when they apply.
    /// - Throws: ``ProviderFailure`` for a stack name over ``maxStackNameLength`` or bad properties; ``AttachError`` for a failed attach.
    public func create(_ event: CustomResourceEvent) async throws -> ProviderResult {
        guard event.stackName.count <= Self.maxStackNameLength else {
            throw ProviderFailure(
                "the stack name \(event.stackName) has \(event.stackName.count) characters; CognitoSMSRedirect stacks allow at most \(Self.maxStackNameLength). Deploy it under a shorter name."
            )
        }
        return try await attach(event)
    }

    /// Keeps the id and changes nothing when no property that matters changed; otherwise attaches
    /// under a new id, and CloudFormation's Delete of the old id restores the old target.
    /// - Throws: ``ProviderFailure`` for bad properties; ``AttachError`` for a failed attach.
    public func update(_ event: CustomResourceEvent) async throws -> ProviderResult {
        let spec = try AttachmentSpec(properties: event.resourceProperties)
        let old = try? AttachmentSpec(properties: event.oldResourceProperties ?? [:])
        if let old, old == spec, let current = event.physicalResourceId {
            // Nothing that matters changed: keep the id, change nothing.
            return ProviderResult(physicalResourceId: current, data: ["AttachmentId": current])
        }
        // A new target: attach it as a Create does, under a new id. CloudFormation then sends
        // Delete for the old id, which restores the old target (or yields to this one).
        return try await attach(event)
    }

    /// Detaches the attachment the PhysicalResourceId names (nothing to do without one); what was left
    /// alone because someone else changed it is in `Data`'s `LeftAlone`.
    /// - Throws: ``DetachError`` when the detach failed.
    public func delete(_ event: CustomResourceEvent) async throws -> ProviderResult {
        guard let physicalId = event.physicalResourceId else { return ProviderResult(physicalResourceId: "failed-\(event.requestId)") }
        let result = try await attacher.detach(attachmentId: physicalId, context: context(event))
        var data = ["AttachmentId": physicalId]
        if !result.notes.isEmpty { data["LeftAlone"] = result.notes.map(\.description).joined(separator: "; ") }
        return ProviderResult(physicalResourceId: physicalId, data: data)
    }

    /// A Create's attachment id, known from its properties before anything is done.
    public func expectedPhysicalResourceId(for event: CustomResourceEvent) -> String? {
        guard event.requestType == .create else { return nil }
        return (try? AttachmentSpec(properties: event.resourceProperties))?.attachmentId
    }

    private func attach(_ event: CustomResourceEvent) async throws -> ProviderResult {
        let spec: AttachmentSpec
        do {
            spec = try AttachmentSpec(properties: event.resourceProperties)
        } catch let failure as ProviderFailure {
            throw ProviderFailure(failure.reason, physicalResourceId: event.physicalResourceId ?? "failed-\(event.requestId)")
        }
        let result = try await attacher.attach(spec, context: context(event))
        var data = ["AttachmentId": result.attachmentId]
        if let layer = result.layerVersionArn { data["LayerVersionArn"] = layer }
        // Readable with Fn::GetAtt: a sender someone else had set is replaced until the Delete.
        if let replaced = result.replacedSender { data["ReplacedSender"] = replaced }
        return ProviderResult(physicalResourceId: result.attachmentId, data: data)
    }

    private func context(_ event: CustomResourceEvent) -> ChangeContext {
        ChangeContext(requestId: event.requestId, stackId: event.stackId, logicalId: event.logicalResourceId, account: event.account)
    }
}
