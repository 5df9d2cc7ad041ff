/// A bounds-checked big-endian reader over a byte array. Every read checks the remaining
/// length *before* touching memory or allocating, so a hostile length field can neither
/// crash the process nor make it allocate more than the input already holds.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// Builds the error for a short read (header vs body errors differ).
    let truncated: @Sendable (_ field: String, _ offset: Int, _ needed: Int) -> ESDKError

    init(
        _ bytes: [UInt8], offset: Int = 0,
        truncated: @escaping @Sendable (String, Int, Int) -> ESDKError = { .truncatedHeader(field: $0, offset: $1, needed: $2) }
    ) {
        self.bytes = bytes
        self.offset = offset
        self.truncated = truncated
    }

    var remaining: Int { bytes.count - offset }

    @inline(__always) mutating func require(_ n: Int, _ field: String) throws {
        if n < 0 || n > bytes.count - offset { throw truncated(field, offset, n) }
    }

    mutating func uint8(_ field: String) throws -> UInt8 {
        try require(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16(_ field: String) throws -> UInt16 {
        try require(2, field)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func uint32(_ field: String) throws -> UInt32 {
        try require(4, field)
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return v
    }

    mutating func uint64(_ field: String) throws -> UInt64 {
        try require(8, field)
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return v
    }

    /// The next `n` bytes as a range into `bytes` (no copy).
    mutating func range(_ n: Int, _ field: String) throws -> Range<Int> {
        try require(n, field)
        defer { offset += n }
        return offset..<(offset + n)
    }

    mutating func slice(_ n: Int, _ field: String) throws -> ArraySlice<UInt8> {
        bytes[try range(n, field)]
    }

    /// A UInt16 length prefix followed by that many bytes.
    mutating func lengthPrefixed(_ field: String) throws -> ArraySlice<UInt8> {
        let n = Int(try uint16(field + " length"))
        return try slice(n, field)
    }
}

/// Big-endian serialization helpers for building headers and AADs.
extension Array where Element == UInt8 {
    @inline(__always) mutating func appendBE(_ v: UInt16) {
        append(UInt8(truncatingIfNeeded: v >> 8)); append(UInt8(truncatingIfNeeded: v))
    }
    @inline(__always) mutating func appendBE(_ v: UInt32) {
        for s in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    }
    @inline(__always) mutating func appendBE(_ v: UInt64) {
        for s in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
    }
    /// Appends a UInt16 length prefix and the bytes; the caller guarantees count ≤ 65535.
    mutating func appendLengthPrefixed<C: Collection>(_ c: C) where C.Element == UInt8 {
        appendBE(UInt16(c.count)); append(contentsOf: c)
    }
}
