import AWSCore

/// A template written as YAML: block mappings and sequences, every string double-quoted (a JSON
/// string is a YAML double-quoted scalar), intrinsic functions in their long form (`Fn::Sub:`), the
/// template's sections in CloudFormation's usual order. What a release ships beside the JSON, for
/// people who read templates; the comments of cfn/*.yaml are not carried over.
public enum TemplateYAML {
    /// The sections in the order the templates write them; any other key follows, sorted.
    static let sectionOrder = ["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Mappings", "Conditions", "Resources", "Outputs"]

    /// `template` as YAML text, ending in a newline.
    public static func render(_ template: JSONValue) -> String {
        var lines: [String] = []
        guard case let .object(members) = template else { return scalar(template) + "\n" }
        let keys = members.keys.sorted { a, b in
            let (i, j) = (sectionOrder.firstIndex(of: a) ?? sectionOrder.count, sectionOrder.firstIndex(of: b) ?? sectionOrder.count)
            return i == j ? a < b : i < j
        }
        for key in keys {
            append(key: key, value: members[key]!, indent: 0, to: &lines)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func append(key: String, value: JSONValue, indent: Int, to lines: inout [String]) {
        let prefix = String(repeating: " ", count: indent) + self.key(key) + ":"
        if let inline = inline(value) {
            lines.append(prefix + " " + inline)
        } else {
            lines.append(prefix)
            appendBlock(value, indent: indent + 2, to: &lines)
        }
    }

    /// A non-empty object or array, one entry a line at `indent`.
    static func appendBlock(_ value: JSONValue, indent: Int, to lines: inout [String]) {
        switch value {
        case let .object(members):
            for key in members.keys.sorted() { append(key: key, value: members[key]!, indent: indent, to: &lines) }
        case let .array(elements):
            let dash = String(repeating: " ", count: indent) + "- "
            for element in elements {
                if let inline = inline(element) {
                    lines.append(dash + inline)
                    continue
                }
                // The element's first line follows the dash; the rest line up under it.
                var nested: [String] = []
                appendBlock(element, indent: indent + 2, to: &nested)
                lines.append(dash + nested[0].dropFirst(indent + 2))
                lines.append(contentsOf: nested.dropFirst())
            }
        default:
            lines.append(String(repeating: " ", count: indent) + scalar(value))
        }
    }

    /// A value written on its key's line: a scalar, `{}` or `[]`; nil for a non-empty container.
    static func inline(_ value: JSONValue) -> String? {
        switch value {
        case let .object(members): members.isEmpty ? "{}" : nil
        case let .array(elements): elements.isEmpty ? "[]" : nil
        default: scalar(value)
        }
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case let .bool(flag): flag ? "true" : "false"
        case let .integer(number): String(number)
        case let .double(number): float(number)
        case let .string(text): quoted(text)
        case .array, .object: value.jsonString
        }
    }

    /// A JSON string, which is a YAML double-quoted scalar, with the three characters YAML 1.1
    /// reads as line breaks inside one (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR) escaped too.
    static func quoted(_ text: String) -> String {
        JSONValue.string(text).jsonString.replacingOccurrences(of: "\u{85}", with: "\\u0085").replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }

    /// A float YAML 1.1 reads back as one: its mantissa has a dot (`1e+20` would be a string).
    static func float(_ number: Double) -> String {
        let text = String(number)
        guard number.isFinite, !text.contains(".") else { return text }
        if let exponent = text.firstIndex(where: { $0 == "e" || $0 == "E" }) { return text[..<exponent] + ".0" + text[exponent...] }
        return text + ".0"
    }

    /// Plain scalars YAML 1.1 reads as booleans or null: as keys they must be quoted.
    static let reservedWords: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"]

    /// A key plain when YAML reads it back as the same string, quoted otherwise.
    static func key(_ key: String) -> String {
        let plain =
            key.first.map { $0.isLetter || $0 == "_" } == true
            && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.:-".contains($0)) } && !key.hasSuffix(":")
            && !reservedWords.contains(key.lowercased())
        return plain ? key : quoted(key)
    }
}
