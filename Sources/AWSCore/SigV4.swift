import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A request as SigV4 sees it: method, the path as it goes on the wire (already percent-encoded),
/// decoded query parameters, headers in order, and the body.
public struct SignableRequest: Sendable, Equatable {
    /// The HTTP method; signed as its upper-case name.
    public var method: HTTPMethod
    /// The percent-encoded path, base path included; signing leaves it as it is.
    public var path: String
    /// Decoded query parameters; presigning appends the `X-Amz-…` parameters here.
    public var query: [(name: String, value: String)]
    /// Headers in order, `Host` among them; signing appends `X-Amz-Date`, `Authorization` and the rest.
    public var headers: [(name: String, value: String)]
    /// The body, hashed into the signature unless the payload is unsigned.
    public var body: Data

    /// Creates a request to sign; include the `Host` header before signing.
    public init(
        method: HTTPMethod, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [], body: Data = Data()
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Equal when every field matches, query and headers compared in order.
    public static func == (lhs: SignableRequest, rhs: SignableRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
            && lhs.query.elementsEqual(rhs.query, by: ==) && lhs.headers.elementsEqual(rhs.headers, by: ==)
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? { HTTPHeaderLookup.first(name, in: headers) }
}

/// The intermediate products of a signature, kept so tests can compare them byte for byte.
public struct SigningResult: Sendable, Equatable {
    /// The canonical request (method, path, query, headers, signed header list, payload hash).
    public var canonicalRequest: String
    /// The string to sign: algorithm, timestamp, credential scope and the canonical request's hash.
    public var stringToSign: String
    /// The signature in lower-case hex.
    public var signature: String
    /// The signed header names, lower-cased, sorted and joined by `;`.
    public var signedHeaders: String
}

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), in header and presigned-URL (query) form.
public struct SigV4Signer: Sendable {
    /// How the payload enters the canonical request.
    public enum Payload: Sendable, Equatable {
        /// The SHA-256 of the body.
        case signed
        /// The literal `UNSIGNED-PAYLOAD` (S3 presigned URLs).
        case unsigned
    }

    /// The knobs on which services differ.
    public struct Options: Sendable, Equatable {
        /// Encode the (already encoded) path once more. Every service but S3.
        public var doubleURIEncode: Bool
        /// Remove dot segments and repeated slashes. Every service but S3.
        public var normalizePath: Bool
        /// Send and sign `x-amz-content-sha256`. S3 requires it.
        public var addContentSHA256Header: Bool
        /// Whether the body's hash or `UNSIGNED-PAYLOAD` enters the canonical request.
        public var payload: Payload
        /// Add the session token after signing, unsigned (a few services want that).
        public var omitSessionTokenFromSignature: Bool

        /// Creates options; the defaults are the rules of every service but S3.
        public init(
            doubleURIEncode: Bool = true, normalizePath: Bool = true, addContentSHA256Header: Bool = false, payload: Payload = .signed,
            omitSessionTokenFromSignature: Bool = false
        ) {
            self.doubleURIEncode = doubleURIEncode
            self.normalizePath = normalizePath
            self.addContentSHA256Header = addContentSHA256Header
            self.payload = payload
            self.omitSessionTokenFromSignature = omitSessionTokenFromSignature
        }

        /// The rules for every service except S3.
        public static let standard = Options()
        /// S3's rules: the path is signed as sent, and the payload hash travels in a header.
        public static let s3 = Options(doubleURIEncode: false, normalizePath: false, addContentSHA256Header: true)
    }

    static let algorithm = "AWS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The key pair (and session token) that signs.
    public var credentials: AWSCredentials
    /// The region of the credential scope.
    public var region: Region
    /// The signing name of the credential scope, e.g. `kms` or `s3`.
    public var service: String
    /// The service's signing rules.
    public var options: Options

    /// Creates a signer for one region and service.
    public init(credentials: AWSCredentials, region: Region, service: String, options: Options = .standard) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs with an `Authorization` header; adds `X-Amz-Date`, and `X-Amz-Security-Token` and
    /// `x-amz-content-sha256` where they apply. `Host` must already be among the headers.
    @discardableResult
    public func signHeaders(_ request: inout SignableRequest, date: Date) -> SigningResult {
        let timestamp = AmzDate(date)
        let payloadHash = payloadHash(of: request)
        request.headers.append(("X-Amz-Date", timestamp.full))
        if let token = credentials.sessionToken, !options.omitSessionTokenFromSignature {
            request.headers.append(("X-Amz-Security-Token", token))
        }
        if options.addContentSHA256Header {
            request.headers.append(("x-amz-content-sha256", payloadHash))
        }
        let result = sign(request, query: request.query, timestamp: timestamp, payloadHash: payloadHash)
        if let token = credentials.sessionToken, options.omitSessionTokenFromSignature {
            request.headers.append(("X-Amz-Security-Token", token))
        }
        request.headers.append(
            (
                "Authorization",
                "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope(timestamp)), SignedHeaders=\(result.signedHeaders), Signature=\(result.signature)"
            ))
        return result
    }

    /// Signs in query form (a presigned URL): the signing parameters and `X-Amz-Signature` are
    /// appended to `request.query`. Every header present (with `Host`) is signed.
    @discardableResult
    public func presign(_ request: inout SignableRequest, date: Date, expires: Int) -> SigningResult {
        let timestamp = AmzDate(date)
        let signedHeaderNames = Self.canonicalHeaders(request.headers).map(\.name).joined(separator: ";")
        var query = request.query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(timestamp))"))
        query.append(("X-Amz-Date", timestamp.full))
        query.append(("X-Amz-Expires", String(expires)))
        query.append(("X-Amz-SignedHeaders", signedHeaderNames))
        if let token = credentials.sessionToken, !options.omitSessionTokenFromSignature {
            query.append(("X-Amz-Security-Token", token))
        }
        let result = sign(request, query: query, timestamp: timestamp, payloadHash: payloadHash(of: request))
        if let token = credentials.sessionToken, options.omitSessionTokenFromSignature {
            query.append(("X-Amz-Security-Token", token))
        }
        query.append(("X-Amz-Signature", result.signature))
        request.query = query
        return result
    }

    private func payloadHash(of request: SignableRequest) -> String {
        switch options.payload {
        case .signed: SHA256.hash(data: request.body).hexString
        case .unsigned: Self.unsignedPayload
        }
    }

    private func scope(_ timestamp: AmzDate) -> String {
        "\(timestamp.day)/\(region)/\(service)/aws4_request"
    }

    private func sign(_ request: SignableRequest, query: [(name: String, value: String)], timestamp: AmzDate, payloadHash: String) -> SigningResult {
        let headers = Self.canonicalHeaders(request.headers)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            request.method.rawValue,
            canonicalPath(request.path),
            Self.canonicalQuery(query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = [
            Self.algorithm,
            timestamp.full,
            scope(timestamp),
            SHA256.hash(data: Data(canonicalRequest.utf8)).hexString,
        ].joined(separator: "\n")
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: timestamp.day))
        return SigningResult(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: Data(signature).hexString, signedHeaders: signedHeaders)
    }

    private func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region.rawValue, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    func canonicalPath(_ path: String) -> String {
        let path = path.isEmpty ? "/" : path
        let normalized = options.normalizePath ? Self.normalize(path) : path
        return options.doubleURIEncode ? AWSURIEncoding.encode(normalized, keepSlash: true) : normalized
    }

    /// Removes `.` and `..` segments and empty segments, keeping a trailing slash.
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailing = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailing
    }

    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (AWSURIEncoding.encode($0.name), AWSURIEncoding.encode($0.value)) }
        // Encoded strings are ASCII, so String ordering is byte ordering here.
        let sorted = encoded.sorted { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Lower-cased names, sorted; values trimmed with inner whitespace runs collapsed; repeated
    /// names joined by commas in the order they appear.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(collapseWhitespace(header.value))
        }
        return order.sorted().map { ($0, values[$0]!.joined(separator: ",")) }
    }

    private static func collapseWhitespace(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}

/// Percent-encoding as SigV4 defines it: everything but `A-Z a-z 0-9 - _ . ~` becomes `%XX`
/// (upper-case hex) of its UTF-8 bytes.
public enum AWSURIEncoding {
    /// Percent-encodes `string`; with `keepSlash`, `/` stays as it is (for path segments).
    public static func encode(_ string: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%"
                out.unicodeScalars.append(hexDigit(byte >> 4))
                out.unicodeScalars.append(hexDigit(byte & 0xF))
            }
        }
        return out
    }

    /// Decodes `%XX` escapes; an invalid escape is kept as it is. `+` stays `+`, as SigV4 expects.
    public static func decode(_ string: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count)
        var iterator = Array(string.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Encodes a query as it goes on the wire, in the given order.
    public static func queryString(_ query: [(name: String, value: String)]) -> String {
        query.map { "\(encode($0.name))=\(encode($0.value))" }.joined(separator: "&")
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x7E  // - _ . ~
    }

    private static func hexDigit(_ nibble: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(nibble < 10 ? nibble + 48 : nibble + 55)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 55
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 87
        default: nil
        }
    }
}

/// The two renderings of a signing time: `20150830T123600Z` and `20150830`.
struct AmzDate {
    let full: String
    var day: String { String(full.prefix(8)) }

    init(_ date: Date) {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        full =
            digits(parts.tm_year + 1900, 4) + digits(parts.tm_mon + 1, 2) + digits(parts.tm_mday, 2) + "T"
            + digits(parts.tm_hour, 2) + digits(parts.tm_min, 2) + digits(parts.tm_sec, 2) + "Z"
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, as SigV4 and the AWS APIs write digests.
    public var hexString: String {
        var out = ""
        for byte in self {
            out.unicodeScalars.append(Self.nibble(byte >> 4))
            out.unicodeScalars.append(Self.nibble(byte & 0xF))
        }
        return out
    }

    private static func nibble(_ value: UInt8) -> Unicode.Scalar { Unicode.Scalar(value < 10 ? value + 48 : value + 87) }
}
