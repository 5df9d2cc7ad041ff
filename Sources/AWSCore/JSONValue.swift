#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Any JSON document, kept whole: a field this code does not know survives a round trip.
///
/// The user pool document travels as one of these (DescribeUserPool → journal → UpdateUserPool),
/// so that nothing Cognito adds next year is dropped on the way.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    /// Decodes any JSON value; a number that decodes as `Int64` becomes `.integer`, any other `.double`.
    public init(from decoder: any Decoder) throws {
        // Each wrong guess costs a thrown error (and, under Swift Testing, a captured backtrace),
        // so the common kinds in AWS documents come first: strings, then objects and arrays.
        // Bool before the numbers, and integers before doubles, so that each keeps its kind.
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else {
            self = .double(try container.decode(Double.self))
        }
    }

    /// Encodes the value as the JSON of the same kind.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    /// Creates a `.string` from a string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Creates an `.integer` from an integer literal.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// Creates a `.bool` from a boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Creates a `.double` from a floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Creates `.null` from `nil`.
    public init(nilLiteral: ()) { self = .null }
    /// Creates an `.array` from an array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Creates an `.object` from a dictionary literal; of repeated keys the last wins.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// Parses a JSON document (RFC 8259); bad input throws `DecodingError.dataCorrupted` naming
    /// the problem and its byte offset.
    public init(data: Data) throws {
        self = try JSONParser.parse(data)
    }

    /// Serializes with sorted keys, so that equal documents give equal bytes.
    public func data(prettyPrinted: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// A compact string form, for storage and comparison.
    public var jsonString: String {
        (try? data()).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// The member of an object (nil for a missing member or a non-object).
    public subscript(key: String) -> JSONValue? {
        get { if case let .object(members) = self { members[key] } else { nil } }
        set {
            guard case var .object(members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The string, or nil for any other kind (no conversion from numbers or bools).
    public var stringValue: String? { if case let .string(value) = self { value } else { nil } }
    /// The bool, or nil for any other kind.
    public var boolValue: Bool? { if case let .bool(value) = self { value } else { nil } }
    /// The elements of an array, or nil for any other kind.
    public var arrayValue: [JSONValue]? { if case let .array(value) = self { value } else { nil } }
    /// The members of an object, or nil for any other kind.
    public var objectValue: [String: JSONValue]? { if case let .object(value) = self { value } else { nil } }
    /// A number that is exactly an `Int` (so `3.0` counts, `3.5` does not); nil otherwise.
    public var intValue: Int? {
        switch self {
        case let .integer(value): Int(exactly: value)
        case let .double(value): Int(exactly: value)
        default: nil
        }
    }
    /// Any number as a `Double` (integers converted); nil for other kinds.
    public var doubleValue: Double? {
        switch self {
        case let .integer(value): Double(value)
        case let .double(value): value
        default: nil
        }
    }
}

/// Reading a required field out of a response, with an error that names the field.
public struct MissingFieldError: Error, CustomStringConvertible {
    /// The name of the field that was missing or of the wrong kind.
    public let field: String
    /// Creates the error for `field`.
    public init(field: String) { self.field = field }
    /// A message naming the field.
    public var description: String { "the response has no usable '\(field)'" }
}

extension Optional where Wrapped == JSONValue {
    /// Member access through a missing value, so that `document["A"]["B"]` reads naturally.
    /// Setting through a missing value does nothing.
    public subscript(key: String) -> JSONValue? {
        get { self.flatMap { $0[key] } }
        set {
            guard var value = self else { return }
            value[key] = newValue
            self = value
        }
    }

    /// The value as a string.
    /// - Throws: ``MissingFieldError`` naming `field` when the value is missing or not a string.
    public func requiredString(_ field: String) throws -> String {
        guard let value = self?.stringValue else { throw MissingFieldError(field: field) }
        return value
    }

    /// A base64 blob (how the JSON protocols carry binary).
    public func requiredBlob(_ field: String) throws -> Data {
        guard let text = self?.stringValue, let data = Data(base64Encoded: text) else { throw MissingFieldError(field: field) }
        return data
    }
}

extension Dictionary where Key == String, Value == String {
    /// A string map as a JSON object.
    public var jsonValue: JSONValue { .object(mapValues { .string($0) }) }
}
