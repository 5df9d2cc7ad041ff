import AWSCore

/// Builds UpdateUserPool requests from DescribeUserPool documents by allowlist.
///
/// UpdateUserPool resets every setting it is not sent, and rejects some that DescribeUserPool
/// returns. So the request carries every member of the described pool that UpdateUserPool's input
/// shape has, at every depth; drops the ones the described shape marks read-only; and refuses a
/// member neither shape knows rather than guess.
public enum UpdateUserPoolRequest {
    /// What to do with a member neither shape of the generated model knows.
    public enum UnknownMembers: Sendable {
        /// Throw ``PoolConfigError/unknownMember(path:botocoreVersion:)``: nothing is changed (attach).
        case refuse
        /// Send it as described, verbatim: putting a pool back must not be blocked by a model gap
        /// (detach); Cognito itself then accepts the member or names it.
        case carryVerbatim
    }

    /// The request that would leave the pool exactly as described.
    public static func carryingOver(_ described: JSONValue, unknownMembers: UnknownMembers = .refuse) throws -> JSONValue {
        var unknown: [String] = []
        return try carryingOver(described, unknownMembers: unknownMembers, found: &unknown)
    }

    /// The members of a described pool that the generated model does not know, as dotted paths.
    public static func unknownMembers(in described: JSONValue) -> [String] {
        var unknown: [String] = []
        _ = try? carryingOver(described, unknownMembers: .carryVerbatim, found: &unknown)
        return unknown
    }

    static func carryingOver(_ described: JSONValue, unknownMembers: UnknownMembers, found unknown: inout [String]) throws -> JSONValue {
        guard case let .object(pool) = described else { throw PoolConfigError.notAUserPoolDocument("not a JSON object") }
        guard let poolId = pool["Id"]?.stringValue else { throw PoolConfigError.notAUserPoolDocument("no Id") }
        guard let inputMembers = CognitoPoolModel.updateUserPoolInput.members,
            let describedMembers = CognitoPoolModel.describedUserPool.members
        else { preconditionFailure("generated model is not a structure") }

        var request: [String: JSONValue] = ["UserPoolId": .string(poolId)]
        for (member, value) in pool {
            // DescribeUserPool's Id and Name are UpdateUserPool's UserPoolId and PoolName.
            let inputMember = renamedMembers[member] ?? member
            if inputMember == "UserPoolId" { continue }
            if let shape = inputMembers[inputMember] {
                if let carried = try carry(
                    value, shape: shape, describedShape: describedMembers[member], path: member, unknownMembers: unknownMembers, found: &unknown)
                {
                    request[inputMember] = carried
                }
            } else if describedMembers[member] == nil {
                guard unknownMembers == .carryVerbatim else {
                    throw PoolConfigError.unknownMember(path: member, botocoreVersion: CognitoPoolModel.botocoreVersion)
                }
                unknown.append(member)
                request[member] = value
            }
        }
        resolveValidityDaysConflict(&request)
        return .object(request)
    }

    static let renamedMembers = ["Id": "UserPoolId", "Name": "PoolName"]

    /// Walks a value along its input shape; nil for an empty structure (the same as absent, and
    /// some empty blocks are rejected: `SmsConfiguration: {}` lacks its required `SnsCallerArn`).
    static func carry(
        _ value: JSONValue, shape: CognitoPoolModel.Shape, describedShape: CognitoPoolModel.Shape?, path: String,
        unknownMembers: UnknownMembers, found unknown: inout [String]
    ) throws -> JSONValue? {
        if value == .null { return nil }
        switch (shape, value) {
        case let (.structure(members), .object(object)):
            var carried: [String: JSONValue] = [:]
            let describedMembers = describedShape?.members ?? [:]
            for (member, child) in object {
                if let childShape = members[member] {
                    if let kept = try carry(
                        child, shape: childShape, describedShape: describedMembers[member], path: "\(path).\(member)",
                        unknownMembers: unknownMembers, found: &unknown)
                    {
                        carried[member] = kept
                    }
                } else if describedMembers[member] == nil {
                    guard unknownMembers == .carryVerbatim else {
                        throw PoolConfigError.unknownMember(path: "\(path).\(member)", botocoreVersion: CognitoPoolModel.botocoreVersion)
                    }
                    unknown.append("\(path).\(member)")
                    carried[member] = child
                }
            }
            return carried.isEmpty ? nil : .object(carried)
        case let (.list(element), .array(items)):
            let describedElement: CognitoPoolModel.Shape? = if case let .list(inner)? = describedShape { inner } else { nil }
            var carried: [JSONValue] = []
            for (index, item) in items.enumerated() {
                if let kept = try carry(
                    item, shape: element, describedShape: describedElement, path: "\(path)[\(index)]", unknownMembers: unknownMembers, found: &unknown)
                {
                    carried.append(kept)
                }
            }
            return .array(carried)
        default:
            return value
        }
    }

    /// Cognito rejects `AdminCreateUserConfig.UnusedAccountValidityDays` next to
    /// `Policies.PasswordPolicy.TemporaryPasswordValidityDays`, yet DescribeUserPool returns both.
    /// The newer member wins; a legacy pool with only the old one keeps it.
    static func resolveValidityDaysConflict(_ request: inout [String: JSONValue]) {
        guard request["Policies"]?["PasswordPolicy"]?["TemporaryPasswordValidityDays"] != nil,
            case var .object(adminConfig)? = request["AdminCreateUserConfig"],
            adminConfig.removeValue(forKey: "UnusedAccountValidityDays") != nil
        else { return }
        request["AdminCreateUserConfig"] = adminConfig.isEmpty ? nil : .object(adminConfig)
    }

    /// The structure members present in a request, as dotted paths, walked along UpdateUserPool's
    /// input shape (list elements walked through, map keys not members): what a test compares
    /// against the described pool. A member the shape lacks is listed and not walked into.
    public static func memberPaths(of value: JSONValue, shape: CognitoPoolModel.Shape = CognitoPoolModel.updateUserPoolInput, prefix: String = "") -> Set<
        String
    > {
        switch (value, shape) {
        case let (.object(object), .structure(members)):
            var paths: Set<String> = []
            for (name, child) in object {
                let path = prefix.isEmpty ? name : "\(prefix).\(name)"
                paths.insert(path)
                if let childShape = members[name] { paths.formUnion(memberPaths(of: child, shape: childShape, prefix: path)) }
            }
            return paths
        case let (.array(items), .list(element)):
            return items.reduce(into: []) { $0.formUnion(memberPaths(of: $1, shape: element, prefix: prefix)) }
        default:
            return []
        }
    }
}
