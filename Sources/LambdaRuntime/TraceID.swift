/// Generates X-Ray trace headers of the shape Lambda sends in `Lambda-Runtime-Trace-Id`.
package enum TraceID {
    /// `Root=1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>;Parent=<16 hex>;Sampled=0`.
    package static func generate() -> String {
        let seconds = UInt32(truncatingIfNeeded: Platform.wallClockMilliseconds() / 1000)
        let high = UInt32.random(in: .min ... .max)
        let low = UInt64.random(in: .min ... .max)
        let parent = UInt64.random(in: .min ... .max)
        return "Root=1-\(hex(UInt64(seconds), 8))-\(hex(UInt64(high), 8))\(hex(low, 16));Parent=\(hex(parent, 16));Sampled=0"
    }

    private static func hex(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
