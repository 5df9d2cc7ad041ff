import AWSCore
import PoolConfig

/// Compares an UpdateUserPool request with the pool it was built from: members outside
/// UpdateUserPool's input shape (moto accepts them silently; Cognito does not), and updatable
/// members of the described pool the request does not carry (Cognito would reset them).
public enum AllowlistCheck {
    public struct Result: Sendable, Equatable {
        public var outsideInputShape: Set<String>
        public var notCarried: Set<String>
        public var isClean: Bool { outsideInputShape.isEmpty && notCarried.isEmpty }
    }

    /// `changedOnPurpose`: paths the request changes deliberately (e.g. a restore's LambdaConfig).
    public static func check(request: JSONValue, described: JSONValue, changedOnPurpose: Set<String> = []) -> Result {
        let sent = UpdateUserPoolRequest.memberPaths(of: request)
        let allowed = paths(of: CognitoPoolModel.updateUserPoolInput)
        var expected = updatablePaths(in: described, shape: CognitoPoolModel.updateUserPoolInput).subtracting(changedOnPurpose)
        if sent.contains("Policies.PasswordPolicy.TemporaryPasswordValidityDays") { expected.remove("AdminCreateUserConfig.UnusedAccountValidityDays") }
        return Result(outsideInputShape: sent.subtracting(allowed), notCarried: expected.subtracting(sent))
    }

    /// What a restore changes on purpose.
    public static let restoredLambdaConfig: Set<String> = [
        "LambdaConfig", "LambdaConfig.CustomSMSSender", "LambdaConfig.CustomSMSSender.LambdaArn",
        "LambdaConfig.CustomSMSSender.LambdaVersion", "LambdaConfig.KMSKeyID",
        "LambdaConfig.CustomEmailSender", "LambdaConfig.CustomEmailSender.LambdaArn",
        "LambdaConfig.CustomEmailSender.LambdaVersion",
    ]

    /// Paths of structure members a shape allows (list elements are walked through).
    static func paths(of shape: CognitoPoolModel.Shape, prefix: String = "") -> Set<String> {
        var result: Set<String> = []
        switch shape {
        case let .structure(members):
            for (name, child) in members {
                let path = prefix.isEmpty ? name : "\(prefix).\(name)"
                result.insert(path)
                result.formUnion(paths(of: child, prefix: path))
            }
        case let .list(element): result.formUnion(paths(of: element, prefix: prefix))
        case .map, .scalar: break
        }
        return result
    }

    /// Paths present (non-null, non-empty-object) in a described pool that the input shape allows,
    /// with DescribeUserPool's Id/Name as UpdateUserPool's UserPoolId/PoolName.
    static func updatablePaths(in value: JSONValue, shape: CognitoPoolModel.Shape, prefix: String = "") -> Set<String> {
        guard case let .object(object) = value, case let .structure(members) = shape else { return [] }
        var result: Set<String> = []
        for (name, child) in object {
            let inputName = prefix.isEmpty ? (["Id": "UserPoolId", "Name": "PoolName"][name] ?? name) : name
            guard let childShape = members[inputName], child != .null, child != .object([:]) else { continue }
            let path = prefix.isEmpty ? inputName : "\(prefix).\(inputName)"
            result.insert(path)
            if case let .list(element) = childShape, case let .array(items) = child {
                for item in items { result.formUnion(updatablePaths(in: item, shape: element, prefix: path)) }
            } else {
                result.formUnion(updatablePaths(in: child, shape: childShape, prefix: path))
            }
        }
        return result
    }
}
