/// A parsed XML element: enough of XML for AWS's query and REST-XML responses.
public struct XMLElement: Sendable, Equatable {
    /// The tag name as written, prefix included (namespaces are not resolved).
    public var name: String
    /// The attributes by name, values entity-decoded.
    public var attributes: [String: String]
    /// The child elements in document order.
    public var children: [XMLElement]
    /// The element's own character data, entity-decoded (text of children not included).
    public var text: String

    /// Creates an element, e.g. an empty result for an operation without output.
    public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child with this name.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every direct child with this name, in order (e.g. the `member` items of a list).
    public func children(named name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The first descendant with this name, depth first.
    public func descendant(_ name: String) -> XMLElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }

    /// The text of the first child with this name.
    public func childText(_ name: String) -> String? { child(name)?.text }
}

/// Why a document is not XML this parser reads.
public struct XMLParseError: Error, Equatable, CustomStringConvertible {
    /// The byte offset in the input where parsing stopped.
    public let offset: Int
    /// What the parser expected or refused there.
    public let reason: String
    /// A message with the offset and the reason.
    public var description: String { "invalid XML at byte \(offset): \(reason)" }
}

/// A small non-validating XML parser: elements, attributes, text, CDATA, comments, the
/// declaration and processing instructions, and the five named and numeric entities.
/// No DTDs: AWS does not send them, and refusing them keeps entity expansion attacks out.
public enum XMLDocument {
    /// Parses a whole document from UTF-8 bytes and returns its root element.
    /// - Throws: ``XMLParseError`` for malformed input, a DTD, or content after the root element.
    public static func parse(_ bytes: some Collection<UInt8>) throws -> XMLElement {
        var parser = Parser(bytes: Array(bytes))
        return try parser.parseDocument()
    }

    /// Parses a whole document from a string's UTF-8, with the same rules and errors as the byte form.
    public static func parse(_ string: String) throws -> XMLElement { try parse(Array(string.utf8)) }

    /// Escapes text for inclusion in an element.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parseDocument() throws -> XMLElement {
            try skipMisc()
            guard peek() == UInt8(ascii: "<") else { throw error("expected the root element") }
            let root = try parseElement(depth: 0)
            try skipMisc()
            guard position == bytes.count else { throw error("content after the root element") }
            return root
        }

        func error(_ reason: String) -> XMLParseError { XMLParseError(offset: position, reason: reason) }

        func peek(_ offset: Int = 0) -> UInt8? {
            position + offset < bytes.count ? bytes[position + offset] : nil
        }

        func hasPrefix(_ text: String) -> Bool {
            let utf8 = Array(text.utf8)
            return position + utf8.count <= bytes.count && bytes[position..<position + utf8.count].elementsEqual(utf8)
        }

        mutating func skip(until terminator: String) throws {
            while position < bytes.count, !hasPrefix(terminator) { position += 1 }
            guard hasPrefix(terminator) else { throw error("unterminated construct, expected '\(terminator)'") }
            position += terminator.utf8.count
        }

        mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        /// Whitespace, comments, the declaration and processing instructions around the root.
        mutating func skipMisc() throws {
            while true {
                skipWhitespace()
                if hasPrefix("<?") {
                    try skip(until: "?>")
                } else if hasPrefix("<!--") {
                    try skip(until: "-->")
                } else if hasPrefix("<!") {
                    throw error("DTDs are not accepted")
                } else {
                    return
                }
            }
        }

        mutating func parseName() throws -> String {
            let start = position
            while let byte = peek(),
                !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
                    || byte == UInt8(ascii: "="))
            {
                position += 1
            }
            guard position > start else { throw error("expected a name") }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func parseElement(depth: Int) throws -> XMLElement {
            guard depth < 256 else { throw error("elements nested too deeply") }
            position += 1  // "<"
            var element = XMLElement(name: try parseName())
            while true {
                skipWhitespace()
                guard let byte = peek() else { throw error("unterminated start tag <\(element.name)>") }
                if byte == UInt8(ascii: "/") {
                    guard peek(1) == UInt8(ascii: ">") else { throw error("expected '/>'") }
                    position += 2
                    return element
                }
                if byte == UInt8(ascii: ">") { position += 1; break }
                let attribute = try parseName()
                skipWhitespace()
                guard peek() == UInt8(ascii: "=") else { throw error("expected '=' after attribute \(attribute)") }
                position += 1
                skipWhitespace()
                guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw error("expected a quoted attribute value") }
                position += 1
                let start = position
                while let next = peek(), next != quote { position += 1 }
                guard peek() == quote else { throw error("unterminated attribute value") }
                element.attributes[attribute] = try decodeEntities(bytes[start..<position])
                position += 1
            }
            var text: [UInt8] = []
            while true {
                guard let byte = peek() else { throw error("unterminated element <\(element.name)>") }
                if byte != UInt8(ascii: "<") {
                    let start = position
                    while let next = peek(), next != UInt8(ascii: "<") { position += 1 }
                    text.append(contentsOf: Array(try decodeEntities(bytes[start..<position]).utf8))
                } else if hasPrefix("</") {
                    position += 2
                    let name = try parseName()
                    guard name == element.name else { throw error("closing tag </\(name)> does not match <\(element.name)>") }
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ">") else { throw error("expected '>'") }
                    position += 1
                    element.text = String(decoding: text, as: UTF8.self)
                    return element
                } else if hasPrefix("<![CDATA[") {
                    position += 9
                    let start = position
                    try skip(until: "]]>")
                    text.append(contentsOf: bytes[start..<(position - 3)])
                } else if hasPrefix("<!--") {
                    try skip(until: "-->")
                } else if hasPrefix("<?") {
                    try skip(until: "?>")
                } else {
                    element.children.append(try parseElement(depth: depth + 1))
                }
            }
        }

        func decodeEntities(_ raw: ArraySlice<UInt8>) throws -> String {
            guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
            var out = ""
            var index = raw.startIndex
            while index < raw.endIndex {
                if raw[index] == UInt8(ascii: "&") {
                    guard let end = raw[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 12 else { throw error("unterminated entity") }
                    let name = String(decoding: raw[(index + 1)..<end], as: UTF8.self)
                    switch name {
                    case "lt": out += "<"
                    case "gt": out += ">"
                    case "amp": out += "&"
                    case "quot": out += "\""
                    case "apos": out += "'"
                    default:
                        let scalarValue: UInt32? =
                            name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst(), radix: 10) : nil
                        guard let value = scalarValue, let scalar = Unicode.Scalar(value) else { throw error("unknown entity &\(name);") }
                        out.unicodeScalars.append(scalar)
                    }
                    index = end + 1
                } else {
                    let start = index
                    while index < raw.endIndex, raw[index] != UInt8(ascii: "&") { index += 1 }
                    out += String(decoding: raw[start..<index], as: UTF8.self)
                }
            }
            return out
        }
    }
}
