import AWSCore
import Foundation
import PoolConfig

/// The API calls CloudFormation makes to create or update one of the templates' resources, built
/// from its resolved properties (``IAMContract/policies(templateFile:stack:)`` resolves them).
///
/// moto's CloudFormation can't deploy these templates (it would run the custom resource's Lambda in
/// Docker), so the stack-update tests make CloudFormation's calls themselves, then send the helper
/// the event CloudFormation would send. An update sends every property the template declares and
/// nothing else: what the template leaves out, the API resets (UpdateUserPool resets every setting
/// it is not sent; Lambda's Layers become the declared list, none when none is declared).
public enum CloudFormationCalls {
    /// CreateUserPool for an `AWS::Cognito::UserPool`: `UserPoolName` is the API's `PoolName`;
    /// `EnabledMfas` is not a CreateUserPool member (CloudFormation sets it next, through
    /// SetUserPoolMfaConfig).
    public static func createUserPool(_ properties: JSONValue) -> JSONValue {
        var request = properties.objectValue ?? [:]
        request["PoolName"] = request.removeValue(forKey: "UserPoolName")
        request["EnabledMfas"] = nil
        return .object(request)
    }

    /// UpdateUserPool for an `AWS::Cognito::UserPool` update: every declared property UpdateUserPool
    /// takes (botocore's input shape, `CognitoPoolModel.updateUserPoolInput`), for pool `id`.
    public static func updateUserPool(id: String, _ properties: JSONValue) -> JSONValue {
        let members = CognitoPoolModel.updateUserPoolInput.members ?? [:]
        var request = (properties.objectValue ?? [:]).filter { members[$0.key] != nil }
        if let name = properties["UserPoolName"] { request["PoolName"] = name }
        request["UserPoolId"] = .string(id)
        return .object(request)
    }

    /// The `AWS::Lambda::Function` properties UpdateFunctionConfiguration sets (Code and
    /// Architectures go through UpdateFunctionCode).
    static let functionConfigurationMembers: Set<String> = [
        "Description", "Role", "Handler", "MemorySize", "Timeout", "Runtime", "Environment", "TracingConfig", "DeadLetterConfig",
        "KmsKeyArn", "VpcConfig", "EphemeralStorage", "FileSystemConfigs", "ImageConfig", "SnapStart", "LoggingConfig",
    ]

    /// UpdateFunctionConfiguration for an `AWS::Lambda::Function` update: its declared configuration,
    /// and `Layers` as declared: an empty list when the template declares none.
    public static func updateFunctionConfiguration(_ properties: JSONValue) -> JSONValue {
        var request = (properties.objectValue ?? [:]).filter { functionConfigurationMembers.contains($0.key) }
        request["KMSKeyArn"] = request.removeValue(forKey: "KmsKeyArn")
        request["Layers"] = properties["Layers"] ?? .array([])
        return .object(request)
    }

    /// A custom resource's resolved properties as CloudFormation sends them in the event: every
    /// number and boolean becomes a string, lists and objects keep their shape.
    public static func customResourceProperties(_ properties: JSONValue) -> [String: JSONValue] {
        func stringified(_ value: JSONValue) -> JSONValue {
            switch value {
            case let .integer(number): .string(String(number))
            case let .double(number): .string(String(number))
            case let .bool(flag): .string(flag ? "true" : "false")
            case let .array(elements): .array(elements.map(stringified))
            case let .object(members): .object(members.mapValues(stringified))
            default: value
            }
        }
        return (properties.objectValue ?? [:]).mapValues(stringified)
    }
}
