import AWSCore

/// The differences between two pool documents, member by member (for `journal diff` and drift reports).
public enum PoolDiff {
    /// One member whose value differs; arrays and scalars are compared whole.
    public struct Difference: Sendable, Equatable, Codable {
        /// The member's dotted path, e.g. `LambdaConfig.CustomSMSSender`; empty for the document itself.
        public var path: String
        /// The value in the first document; nil when the member is absent there.
        public var before: JSONValue?
        /// The value in the second document; nil when the member was removed.
        public var after: JSONValue?

        /// A difference at `path` from `before` to `after`.
        public init(path: String, before: JSONValue?, after: JSONValue?) {
            self.path = path
            self.before = before
            self.after = after
        }
    }

    /// Members that change on every update and say nothing about the configuration.
    public static let volatileMembers: Set<String> = ["LastModifiedDate", "EstimatedNumberOfUsers"]

    /// Differences in a few words each, values cut short, at most `limit` of them: for reasons
    /// that must fit CloudFormation's 4,096-byte response, and for notes.
    public static func summary(_ differences: [Difference], verb: String = "sent", limit: Int = 8) -> String {
        func text(_ value: JSONValue?) -> String {
            guard let value else { return "absent" }
            let json = value.jsonString
            return json.count > 80 ? String(json.prefix(77)) + "..." : json
        }
        var parts = differences.prefix(limit).map { "\($0.path) \(verb) \(text($0.before)), now \(text($0.after))" }
        if differences.count > limit { parts.append("and \(differences.count - limit) more") }
        return parts.joined(separator: "; ")
    }

    /// Differences between two pool documents as Cognito means them (see ``comparable(_:)``).
    public static func poolDifferences(from before: JSONValue, to after: JSONValue) -> [Difference] {
        differences(from: comparable(before), to: comparable(after))
    }

    /// A pool document with the deprecated `AdminCreateUserConfig.UnusedAccountValidityDays`
    /// left out where `Policies.PasswordPolicy.TemporaryPasswordValidityDays` is present: it is
    /// that member's old name, which Cognito derives from it (and which UpdateUserPool may not
    /// send beside it), so it carries no setting of its own.
    public static func comparable(_ pool: JSONValue) -> JSONValue {
        var pool = pool
        if pool["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] != nil {
            pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] = nil
        }
        return pool
    }

    /// Differences from `before` to `after`, objects walked member by member, sorted by path.
    public static func differences(from before: JSONValue?, to after: JSONValue?, path: String = "", ignoring ignored: Set<String> = volatileMembers)
        -> [Difference]
    {
        switch (before, after) {
        case let (.object(left)?, .object(right)?):
            return Set(left.keys).union(right.keys).sorted().flatMap { key -> [Difference] in
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if ignored.contains(childPath) { return [] }
                return differences(from: left[key], to: right[key], path: childPath, ignoring: ignored)
            }
        default:
            return before == after ? [] : [Difference(path: path, before: before, after: after)]
        }
    }
}
