import AWSCore
import Foundation
import PoolConfig

/// The CreateUserPool inputs under fixtures/pools: the round-trip matrix.
public enum PoolFixtures {
    public static var packageRoot: URL { BuiltProducts.packageRoot }
    public static let directory = packageRoot.appendingPathComponent("fixtures/pools")

    /// Fixture names, sorted.
    public static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The CreateUserPool input of a fixture, with a unique PoolName and `${KMS_KEY_ARN}` replaced.
    public static func createRequest(_ name: String, kmsKeyArn: String) throws -> JSONValue {
        let text = try String(contentsOf: directory.appendingPathComponent("\(name).json"), encoding: .utf8)
            .replacingOccurrences(of: "${KMS_KEY_ARN}", with: kmsKeyArn)
        var request = try JSONValue(data: Data(text.utf8))
        request["PoolName"] = .string(Moto.uniqueName(String(name.prefix(40))))
        return request
    }

    /// Create-only members: UpdateUserPool can't set them and Cognito keeps them, but moto rebuilds
    /// the pool from what UpdateUserPool sends and drops them. Exempt from the round-trip
    /// comparison, and only these (the allowlist test checks they are never sent).
    public static let motoDropsOnUpdate: Set<String> = ["UsernameAttributes", "AliasAttributes", "UsernameConfiguration"]

    /// The pool document as compared before and after a round trip: as Cognito means it
    /// (`PoolDiff.comparable`: moto does not derive the deprecated UnusedAccountValidityDays from
    /// TemporaryPasswordValidityDays as Cognito does), less `LastModifiedDate` and ``motoDropsOnUpdate``.
    public static func comparable(_ pool: JSONValue) -> JSONValue {
        var pool = PoolDiff.comparable(pool)
        pool["LastModifiedDate"] = nil
        for member in motoDropsOnUpdate { pool[member] = nil }
        return pool
    }
}
