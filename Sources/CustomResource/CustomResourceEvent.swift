import AWSCore
import Foundation

/// A CloudFormation custom resource request, as CloudFormation sends it to the helper Lambda.
public struct CustomResourceEvent: Sendable, Equatable {
    /// The event's `RequestType`: which lifecycle step of the resource CloudFormation asks for.
    public enum RequestType: String, Sendable, Codable {
        case create = "Create"
        case update = "Update"
        case delete = "Delete"
    }

    /// Create, Update or Delete (`RequestType`).
    public var requestType: RequestType
    /// The presigned S3 URL the one response goes to. A secret: never logged.
    public var responseURL: String
    /// The stack's ARN (`StackId`); the response must echo it.
    public var stackId: String
    /// CloudFormation's id for this request (`RequestId`); a redelivery carries the same one.
    public var requestId: String
    /// The template's resource type (`ResourceType`), e.g. `Custom::SMSRedirectAttachment`; empty when absent.
    public var resourceType: String
    /// The resource's logical id in the template (`LogicalResourceId`); the response must echo it.
    public var logicalResourceId: String
    /// Absent on Create; what we answered before on Update and Delete.
    public var physicalResourceId: String?
    /// The resource's properties from the template (`ResourceProperties`); scalars arrive as strings.
    public var resourceProperties: [String: JSONValue]
    /// On Update only, the properties before the change (`OldResourceProperties`); nil otherwise.
    public var oldResourceProperties: [String: JSONValue]?

    /// An event from its fields (tests and `smsredirect` build events this way).
    public init(
        requestType: RequestType, responseURL: String, stackId: String, requestId: String, resourceType: String,
        logicalResourceId: String, physicalResourceId: String? = nil, resourceProperties: [String: JSONValue],
        oldResourceProperties: [String: JSONValue]? = nil
    ) {
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
    /// The field that is absent or not as expected, e.g. `ResponseURL`.
    public let missing: String
    /// Says the event is not a custom resource event and which field it lacks.
    public var description: String { "not a CloudFormation custom resource event: no '\(missing)'" }
}

extension CustomResourceEvent: Decodable {
    /// Decodes CloudFormation's JSON event.
    /// - Throws: ``MalformedCustomResourceEvent`` naming the first required field that is missing.
    public init(from decoder: any Decoder) throws {
        let document = try JSONValue(from: decoder)
        func string(_ key: String) throws -> String {
            guard let value = document[key]?.stringValue else { throw MalformedCustomResourceEvent(missing: key) }
            return value
        }
        guard let type = RequestType(rawValue: try string("RequestType")) else {
            throw MalformedCustomResourceEvent(missing: "RequestType (Create, Update or Delete)")
        }
        self.init(
            requestType: type, responseURL: try string("ResponseURL"), stackId: try string("StackId"), requestId: try string("RequestId"),
            resourceType: document["ResourceType"]?.stringValue ?? "", logicalResourceId: try string("LogicalResourceId"),
            physicalResourceId: document["PhysicalResourceId"]?.stringValue,
            resourceProperties: document["ResourceProperties"]?.objectValue ?? [:],
            oldResourceProperties: document["OldResourceProperties"]?.objectValue)
    }
}
