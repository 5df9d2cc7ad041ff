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

/// Why an event is not one the helper can act on, naming the field: absent, not a string, or a
/// value it does not know (`RequestType: Destroy`).
public struct MalformedCustomResourceEvent: Error, CustomStringConvertible, Equatable {
    /// Each field that is wrong, with how, e.g. `RequestType is 'Destroy', not Create, Update or Delete`.
    public let problems: [String]
    /// The event's ResponseURL when it has one that can be answered: the helper then answers FAILED
    /// there, naming the problems, instead of leaving the stack to wait out its ServiceTimeout.
    public let responseURL: String?
    /// What the event carried to echo in that answer (StackId, RequestId, LogicalResourceId,
    /// PhysicalResourceId), as text even where it came as a number.
    public let echoes: [String: String]

    /// Says the event is not a custom resource event the helper can act on, and why.
    public var description: String {
        "not a CloudFormation custom resource event the helper can act on: \(problems.joined(separator: "; "))"
    }
}

extension CustomResourceEvent: Decodable {
    /// Decodes CloudFormation's JSON event.
    /// - Throws: ``MalformedCustomResourceEvent`` naming every required field that is missing,
    ///   not a string, or of an unknown value.
    public init(from decoder: any Decoder) throws {
        try self.init(document: try JSONValue(from: decoder))
    }

    /// The event in a JSON document, every field checked before any is used.
    /// - Throws: ``MalformedCustomResourceEvent``.
    public init(document: JSONValue) throws {
        var problems: [String] = []
        var echoes: [String: String] = [:]
        func string(_ key: String) -> String {
            switch document[key] {
            case let .string(value)?:
                echoes[key] = value
                return value
            case nil, .null?:
                problems.append("\(key) is missing")
            case let other?:
                // A number or a flag where CloudFormation sends text: echoed as text, refused.
                echoes[key] = other.jsonString
                problems.append("\(key) is \(other.jsonString.printablePrefix()), not a string")
            }
            return ""
        }
        let typeText = string("RequestType")
        let type = RequestType(rawValue: typeText)
        if type == nil && document["RequestType"]?.stringValue != nil {
            problems.append("RequestType is '\(typeText.printablePrefix())', not Create, Update or Delete")
        }
        let responseURL = string("ResponseURL")
        let stackId = string("StackId"), requestId = string("RequestId"), logicalId = string("LogicalResourceId")
        if let physical = document["PhysicalResourceId"] { echoes["PhysicalResourceId"] = physical.stringValue ?? physical.jsonString }
        if let properties = document["ResourceProperties"], properties.objectValue == nil, properties != .null {
            problems.append("ResourceProperties is not an object")
        }
        let answerable = Self.isAnswerable(responseURL) ? responseURL : nil
        if !responseURL.isEmpty && answerable == nil { problems.append("ResponseURL is not an http(s) URL") }
        guard problems.isEmpty, let type else {
            throw MalformedCustomResourceEvent(problems: problems, responseURL: answerable, echoes: echoes)
        }
        self.init(
            requestType: type, responseURL: responseURL, stackId: stackId, requestId: requestId,
            resourceType: document["ResourceType"]?.stringValue ?? "", logicalResourceId: logicalId,
            physicalResourceId: document["PhysicalResourceId"]?.stringValue,
            resourceProperties: document["ResourceProperties"]?.objectValue ?? [:],
            oldResourceProperties: document["OldResourceProperties"]?.objectValue)
    }

    /// A URL a response can be PUT to: http or https with a host.
    static func isAnswerable(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host else { return false }
        return (scheme == "https" || scheme == "http") && !host.isEmpty
    }
}

/// What the helper is handed: an event it can act on, or one it can only answer FAILED.
public enum HelperEvent: Decodable, Sendable {
    /// A well-formed custom resource event.
    case event(CustomResourceEvent)
    /// An event that is broken in some field but has a ResponseURL to answer.
    case malformed(MalformedCustomResourceEvent)
    /// An EventBridge event of the stack's watch rule or schedule: check the redirect is still on.
    case watch(RedirectWatchEvent)

    /// Decodes the event; only one with no ResponseURL to answer fails to decode (the runtime
    /// then reports it to Lambda, the one place left to tell). An EventBridge envelope (it has a
    /// `detail-type`, and no ResponseURL) is a watch event.
    public init(from decoder: any Decoder) throws {
        let document = try JSONValue(from: decoder)
        if document["detail-type"] != nil, document["ResponseURL"] == nil {
            self = .watch(try RedirectWatchEvent(envelope: document))
            return
        }
        do {
            self = .event(try CustomResourceEvent(document: document))
        } catch let malformed as MalformedCustomResourceEvent where malformed.responseURL != nil {
            self = .malformed(malformed)
        }
    }
}
