import AWSCore
import Foundation

/// A CloudFormation custom resource request, as CloudFormation sends it to the helper Lambda.
public struct CustomResourceEvent: Sendable, Equatable {
    public enum RequestType: String, Sendable, Codable {
        case create = "Create"
        case update = "Update"
        case delete = "Delete"
    }

    public var requestType: RequestType
    /// The presigned S3 URL the one response goes to. A secret: never logged.
    public var responseURL: String
    public var stackId: String
    public var requestId: String
    public var resourceType: String
    public var logicalResourceId: String
    /// Absent on Create; what we answered before on Update and Delete.
    public var physicalResourceId: String?
    public var resourceProperties: [String: JSONValue]
    public var oldResourceProperties: [String: JSONValue]?

    public init(requestType: RequestType, responseURL: String, stackId: String, requestId: String, resourceType: String,
                logicalResourceId: String, physicalResourceId: String? = nil, resourceProperties: [String: JSONValue],
                oldResourceProperties: [String: JSONValue]? = nil) {
        self.requestType = requestType
        self.responseURL = responseURL
        self.stackId = stackId
        self.requestId = requestId
        self.resourceType = resourceType
        self.logicalResourceId = logicalResourceId
        self.physicalResourceId = physicalResourceId
        self.resourceProperties = resourceProperties
        self.oldResourceProperties = oldResourceProperties
    }

    /// The stack's name, from its id (`arn:…:stack/NAME/uuid`).
    public var stackName: String {
        let parts = stackId.split(separator: "/")
        return parts.count >= 2 ? String(parts[1]) : stackId
    }

    /// The account, from the stack id.
    public var account: String? {
        let fields = stackId.split(separator: ":", omittingEmptySubsequences: false)
        return fields.count > 4 && !fields[4].isEmpty ? String(fields[4]) : nil
    }

    /// The event as CloudFormation writes it.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "RequestType": .string(requestType.rawValue), "ResponseURL": .string(responseURL), "StackId": .string(stackId),
            "RequestId": .string(requestId), "ResourceType": .string(resourceType), "LogicalResourceId": .string(logicalResourceId),
            "ResourceProperties": .object(resourceProperties),
        ]
        if let physicalResourceId { object["PhysicalResourceId"] = .string(physicalResourceId) }
        if let oldResourceProperties { object["OldResourceProperties"] = .object(oldResourceProperties) }
        return .object(object)
    }
}

/// Why an event could not even be read. Without a ResponseURL nobody can be told.
public struct MalformedCustomResourceEvent: Error, CustomStringConvertible {
    public let missing: String
    public var description: String { "not a CloudFormation custom resource event: no '\(missing)'" }
}

extension CustomResourceEvent: Decodable {
    public init(from decoder: any Decoder) throws {
        let document = try JSONValue(from: decoder)
        func string(_ key: String) throws -> String {
            guard let value = document[key]?.stringValue else { throw MalformedCustomResourceEvent(missing: key) }
            return value
        }
        guard let type = RequestType(rawValue: try string("RequestType")) else { throw MalformedCustomResourceEvent(missing: "RequestType (Create, Update or Delete)") }
        self.init(requestType: type, responseURL: try string("ResponseURL"), stackId: try string("StackId"), requestId: try string("RequestId"),
                  resourceType: document["ResourceType"]?.stringValue ?? "", logicalResourceId: try string("LogicalResourceId"),
                  physicalResourceId: document["PhysicalResourceId"]?.stringValue,
                  resourceProperties: document["ResourceProperties"]?.objectValue ?? [:],
                  oldResourceProperties: document["OldResourceProperties"]?.objectValue)
    }
}
