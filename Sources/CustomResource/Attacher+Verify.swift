import AWSCore
import PoolConfig

extension Attacher {
    /// Describes the pool again and lists how it differs from `request`, compared as UpdateUserPool
    /// sees a pool: the members it can set. Members it cannot set (read-only, create-only) are not
    /// compared: no request of ours changes them, and none could put them back.
    func verify(poolId: String, holds request: JSONValue) async throws -> [PoolDiff.Difference] {
        let after = try await cognito.describeUserPool(id: poolId)
        return PoolDiff.differences(from: request, to: try UpdateUserPoolRequest.carryingOver(after, unknownMembers: .carryVerbatim))
    }

    /// GetUserPoolMfaConfig again, against `expected`. UpdateUserPool can set only part of it
    /// (MfaConfiguration and the SMS factor), so a factor it turned off is reported, not undone.
    func verifyMfa(poolId: String, holds expected: JSONValue) async throws -> [PoolDiff.Difference] {
        PoolDiff.differences(from: expected, to: try await cognito.getUserPoolMfaConfig(id: poolId))
    }

    /// Puts the pool back as `described` and checks it, and its MFA factors against `mfa`.
    func rollBack(poolId: String, to described: JSONValue, mfa: JSONValue) async -> RollbackStep {
        do {
            let request = try UpdateUserPoolRequest.carryingOver(described)
            try await updateUserPool(request)
            let differences = try await verify(poolId: poolId, holds: request) + verifyMfa(poolId: poolId, holds: mfa)
            return differences.isEmpty ? .poolRestored : .poolRestoredButDiffers(differences)
        } catch {
            return .poolRestoreFailed(error)
        }
    }

    /// UpdateUserPool, retried while Cognito refuses it because another update of the pool is in progress.
    func updateUserPool(_ request: JSONValue) async throws {
        var waits = concurrentUpdateBackoff[...]
        while true {
            do {
                return try await cognito.updateUserPool(request)
            } catch let error as AWSError where error.isConcurrentModification {
                guard let wait = waits.popFirst() else { throw error }
                logger.notice("another update of the pool is in progress; retrying", metadata: ["wait": "\(wait)"])
                try await Task.sleep(for: wait)
            }
        }
    }
}
