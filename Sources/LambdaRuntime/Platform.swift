#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small wrappers over libc used across the module.
///
/// The runtime deliberately avoids full Foundation (and its ICU data) so that a
/// Lambda built on it starts fast; these are the few system calls it needs.
package enum Platform {
    /// Milliseconds since the Unix epoch, the unit of `Lambda-Runtime-Deadline-Ms`.
    package static func wallClockMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    package static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Every variable of the process environment (`environ`), as `NAME=value` splits.
    package static func allEnvironment() -> [String: String] {
        var values: [String: String] = [:]
        guard var entry = Optional(environ) else { return values }
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            // The first of a repeated name wins, as getenv's answer does.
            if let equals = text.firstIndex(of: "="), values[String(text[..<equals])] == nil {
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return values
    }

    package static func setEnvironment(_ name: String, _ value: String?) {
        if let value {
            setenv(name, value, 1)
        } else {
            unsetenv(name)
        }
    }

    /// Writes the bytes to a file descriptor in full, retrying on short writes and EINTR.
    package static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    package static func exit(_ code: Int32) -> Never {
        #if canImport(Glibc)
            Glibc.exit(code)
        #elseif canImport(Musl)
            Musl.exit(code)
        #else
            Darwin.exit(code)
        #endif
    }
}
