import AWSCore
import Foundation

/// The watch's fixture (fixtures/watch): what the unit, moto, contract and engine tests hand the helper.
public enum WatchFixtures {
    /// CloudTrail's record of an UpdateUserPool, as EventBridge delivers it: as the file has it
    /// (pool `POOL_ID`), or naming `poolId` and under the event id `id`.
    public static func cloudTrailRecord(poolId: String? = nil, id: String? = nil) throws -> JSONValue {
        var record = try JSONValue(data: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("fixtures/watch/cloudtrail-update-user-pool.json")))
        if let poolId { record["detail"]["requestParameters"]["userPoolId"] = .string(poolId) }
        if let id { record["id"] = .string(id) }
        return record
    }
}
