// Foundation's `trimmingCharacters(in:)` and `removingPercentEncoding` live outside
// FoundationEssentials, and the sender must not link the rest of Foundation: these are the few text
// operations the AWS formats here need, written on the standard library.

extension StringProtocol {
    /// The text without leading and trailing tabs and spaces of any width (Unicode's space
    /// separators, NBSP among them): what Foundation's `.whitespaces` trims (an INI line, an error code).
    public var trimmingHorizontalWhitespace: String {
        trimmed { $0 == "\t" || $0.unicodeScalars.allSatisfy { $0.properties.generalCategory == .spaceSeparator } }
    }

    /// The text without leading and trailing whitespace, line breaks included (a token file).
    public var trimmingWhitespace: String { trimmed(\.isWhitespace) }

    private func trimmed(_ isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension String {
    /// The text with each `%XX` replaced by its byte; nil when an escape is malformed or the bytes
    /// are not UTF-8 (as `removingPercentEncoding` answers).
    public var percentDecoded: String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
