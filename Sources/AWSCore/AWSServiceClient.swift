import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import NIOHTTP1

/// Sends signed requests to one AWS service: builds the protocol's request, signs it, retries
/// what may be retried, and turns error responses into ``AWSError``.
public struct AWSServiceClient: Sendable {
    /// The service this client talks to: its signing name, endpoint prefix and wire protocol.
    public let service: ServiceDescriptor
    /// Region, credentials, transport, retry policy and logger shared by every call.
    public let configuration: AWSClientConfiguration
    /// Where requests go unless a call passes its own endpoint; resolved once at creation.
    public let endpoint: ResolvedEndpoint

    /// Creates a client, resolving the endpoint from the configuration's region and environment.
    /// - Throws: `AWSConfigurationError.invalidEndpoint` when an `AWS_ENDPOINT_URL*` variable is not a usable URL.
    public init(service: ServiceDescriptor, configuration: AWSClientConfiguration) throws {
        self.service = service
        self.configuration = configuration
        endpoint = try ResolvedEndpoint.resolve(service: service, region: configuration.region, environment: configuration.environment)
    }

    /// The region requests are signed for.
    public var region: Region { configuration.region }

    // MARK: Protocols

    /// An awsJson 1.0/1.1 call: `X-Amz-Target` and a JSON document in, a JSON document out.
    public func json(_ operation: String, _ input: JSONValue, timeout: Duration? = nil) async throws -> JSONValue {
        guard case let .awsJSON(version, targetPrefix) = service.wireProtocol else {
            preconditionFailure("\(service.serviceId) does not speak awsJson")
        }
        let body = try input.data()
        let response = try await send(
            operation: operation, method: .POST, path: "/",
            headers: [
                ("Content-Type", "application/x-amz-json-\(version)"),
                ("X-Amz-Target", "\(targetPrefix).\(operation)"),
            ], body: body, timeout: timeout)
        return try decodeJSON(response, operation: operation)
    }

    /// An awsQuery call: form parameters in, the `<OperationResult>` element out.
    public func query(_ action: String, _ parameters: [(name: String, value: String)], timeout: Duration? = nil) async throws -> XMLElement {
        guard case let .awsQuery(apiVersion) = service.wireProtocol else {
            preconditionFailure("\(service.serviceId) does not speak awsQuery")
        }
        let form = [("Action", action), ("Version", apiVersion)] + parameters
        let response = try await send(
            operation: action, method: .POST, path: "/",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            ], body: Data(AWSURIEncoding.queryString(form).utf8), timeout: timeout)
        let document = try decodeXML(response, operation: action)
        // Operations without output return only ResponseMetadata; an empty result is fine then.
        return document.child("\(action)Result") ?? XMLElement(name: "\(action)Result")
    }

    /// A REST call (restJson1 or restXml): the caller lays out path, query, headers and body.
    /// `path` is the encoded path below the endpoint's base path.
    public func rest(
        _ operation: String, method: HTTPMethod, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: Data = Data(), timeout: Duration? = nil,
        endpoint override: ResolvedEndpoint? = nil
    ) async throws -> HTTPResponse {
        try await send(operation: operation, method: method, path: path, query: query, headers: headers, body: body, timeout: timeout, endpoint: override)
    }

    /// A REST call whose response is a JSON document (an empty body reads as `{}`).
    public func restJSON(
        _ operation: String, method: HTTPMethod, path: String, query: [(name: String, value: String)] = [],
        body: JSONValue? = nil, timeout: Duration? = nil
    ) async throws -> JSONValue {
        let response = try await send(
            operation: operation, method: method, path: path, query: query,
            headers: body == nil ? [] : [("Content-Type", "application/json")],
            body: try body?.data() ?? Data(), timeout: timeout)
        return try decodeJSON(response, operation: operation)
    }

    /// A presigned URL (SigV4 query form) that lets anyone holding it make exactly this request
    /// until it expires. With `unsignedPayload` (S3's rule) the body is not part of the signature.
    public func presignedURL(
        method: HTTPMethod, path: String, query: [(name: String, value: String)] = [],
        expires: Duration, unsignedPayload: Bool = true, date: Date = Date(),
        endpoint override: ResolvedEndpoint? = nil
    ) async throws -> String {
        let endpoint = override ?? endpoint
        let credentials = try await configuration.credentials.credentials()
        var options = signingOptions
        if unsignedPayload { options.payload = .unsigned }
        let signer = SigV4Signer(credentials: credentials, region: region, service: service.signingName, options: options)
        var request = SignableRequest(method: method, path: endpoint.basePath + path, query: query, headers: [("Host", endpoint.host)])
        signer.presign(&request, date: date, expires: Int(expires.components.seconds))
        return HTTPRequest(method: method, origin: endpoint.origin, path: request.path, query: request.query).url
    }

    // MARK: Sending

    var signingOptions: SigV4Signer.Options {
        service.wireProtocol == .restXML ? .s3 : .standard
    }

    /// Signs and sends, retrying per the policy; returns a 2xx response or throws ``AWSError``.
    public func send(
        operation: String, method: HTTPMethod, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)], body: Data, timeout: Duration? = nil,
        endpoint override: ResolvedEndpoint? = nil
    ) async throws -> HTTPResponse {
        let policy = configuration.retry
        var attempt = 1
        while true {
            do {
                return try await sendOnce(
                    operation: operation, method: method, path: path, query: query, headers: headers, body: body,
                    timeout: timeout, endpoint: override ?? endpoint)
            } catch let error as AWSError where error.isRetryable && attempt < policy.maxAttempts {
                let delay = policy.delay(beforeRetry: attempt)
                configuration.logger.debug(
                    "retrying AWS call",
                    metadata: [
                        "service": "\(service.serviceId)", "operation": "\(operation)", "attempt": "\(attempt + 1)",
                        "error": "\(error.code)", "delay_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                    ])
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private func sendOnce(
        operation: String, method: HTTPMethod, path: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], body: Data, timeout: Duration?,
        endpoint: ResolvedEndpoint
    ) async throws -> HTTPResponse {
        var signable = SignableRequest(
            method: method, path: endpoint.basePath + path, query: query,
            headers: [("Host", endpoint.host)] + headers, body: body)
        if !(configuration.credentials is AnonymousCredentialsProvider) {
            let credentials = try await configuration.credentials.credentials()
            let signer = SigV4Signer(credentials: credentials, region: region, service: service.signingName, options: signingOptions)
            signer.signHeaders(&signable, date: Date())
        }
        let request = HTTPRequest(method: method, origin: endpoint.origin, path: signable.path, query: signable.query, headers: signable.headers, body: body)
        let response: HTTPResponse
        do {
            response = try await configuration.transport.send(request, timeout: timeout ?? configuration.timeout)
        } catch let error as HTTPTransportError {
            throw transportError(error, operation: operation, endpoint: endpoint)
        }
        guard (200..<300).contains(response.status) else {
            throw errorFromResponse(response, operation: operation, endpoint: endpoint)
        }
        return response
    }

    private func transportError(_ error: HTTPTransportError, operation: String, endpoint: ResolvedEndpoint) -> AWSError {
        switch error {
        case .timedOut:
            AWSError(
                kind: .transport, service: service.serviceId, operation: operation, statusCode: nil, code: "RequestTimeout",
                message: "no response within the timeout", endpoint: endpoint.origin)
        case let .connectionFailed(detail):
            AWSError(
                kind: .transport, service: service.serviceId, operation: operation, statusCode: nil, code: "NetworkError",
                message: "could not reach \(endpoint.origin): \(detail)", endpoint: endpoint.origin)
        case let .responseTooLarge(limit):
            AWSError(
                kind: .malformedResponse, service: service.serviceId, operation: operation, statusCode: nil, code: "MalformedResponse",
                message: "the response is larger than \(limit) bytes", endpoint: endpoint.origin)
        }
    }

    // MARK: Decoding

    func decodeJSON(_ response: HTTPResponse, operation: String) throws -> JSONValue {
        if response.body.isEmpty { return .object([:]) }
        do {
            return try JSONValue(data: response.body)
        } catch {
            throw malformed(operation: operation, response: response, detail: "the body is not JSON")
        }
    }

    func decodeXML(_ response: HTTPResponse, operation: String) throws -> XMLElement {
        do {
            return try XMLDocument.parse(response.body)
        } catch {
            throw malformed(operation: operation, response: response, detail: "the body is not XML (\(error))")
        }
    }

    /// An error for a response whose shape this client did not expect.
    public func malformed(operation: String, response: HTTPResponse?, detail: String) -> AWSError {
        AWSError(
            kind: .malformedResponse, service: service.serviceId, operation: operation, statusCode: response?.status,
            code: "MalformedResponse", message: detail, requestId: response.flatMap(Self.requestId(of:)), endpoint: endpoint.origin)
    }

    /// Runs a decoding closure, turning a missing field into a malformed-response error.
    public func decoding<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MissingFieldError {
            throw malformed(operation: operation, response: nil, detail: error.description)
        }
    }

    static func requestId(of response: HTTPResponse) -> String? {
        response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id") ?? response.header("x-amzn-requestid")
    }

    func errorFromResponse(_ response: HTTPResponse, operation: String, endpoint: ResolvedEndpoint) -> AWSError {
        // Read the body by its shape, not the protocol: a gateway or front end (and moto's signature
        // check) may answer a JSON service in XML.
        let fields =
            response.body.first { !$0.isWhitespaceByte } == UInt8(ascii: "<")
            ? AWSErrorFields.fromXML(response) : AWSErrorFields.fromJSON(response)
        let code = fields.code ?? Self.codeForStatus(response.status)
        return AWSError(
            kind: .service, service: service.serviceId, operation: operation, statusCode: response.status,
            code: code, message: fields.message ?? "", requestId: fields.requestId ?? Self.requestId(of: response),
            endpoint: endpoint.origin)
    }

    /// The code for a body-less error (HEAD requests, proxies).
    static func codeForStatus(_ status: Int) -> String {
        switch status {
        case 304: "NotModified"
        case 400: "BadRequest"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 409: "Conflict"
        case 412: "PreconditionFailed"
        case 429: "TooManyRequestsException"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        default: "HTTP\(status)"
        }
    }
}

/// The code, message and request id read out of an error body.
struct AWSErrorFields {
    var code: String?
    var message: String?
    var requestId: String?

    static func fromJSON(_ response: HTTPResponse) -> AWSErrorFields {
        var fields = AWSErrorFields()
        let document = try? JSONValue(data: response.body)
        let rawCode =
            response.header("x-amzn-ErrorType") ?? document?["__type"]?.stringValue ?? document?["code"]?.stringValue ?? document?["Code"]?.stringValue
        fields.code = rawCode.map(sanitizeCode)
        fields.message = document?["message"]?.stringValue ?? document?["Message"]?.stringValue ?? document?["errorMessage"]?.stringValue
        if document == nil, !response.body.isEmpty {
            fields.message = String(decoding: response.body.prefix(256), as: UTF8.self)
        }
        return fields
    }

    static func fromXML(_ response: HTTPResponse) -> AWSErrorFields {
        var fields = AWSErrorFields()
        guard let document = try? XMLDocument.parse(response.body) else {
            if !response.body.isEmpty { fields.message = String(decoding: response.body.prefix(256), as: UTF8.self) }
            return fields
        }
        let error = document.name == "Error" ? document : document.descendant("Error")
        fields.code = error?.childText("Code").map(sanitizeCode)
        fields.message = error?.childText("Message")
        fields.requestId = document.childText("RequestId") ?? error?.childText("RequestId") ?? document.descendant("RequestId")?.text
        return fields
    }

    /// `com.amazonaws.kms#NotFoundException` and `NotFoundException:http://…` both mean `NotFoundException`.
    static func sanitizeCode(_ raw: String) -> String {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.trimmingHorizontalWhitespace
    }
}

extension UInt8 {
    var isWhitespaceByte: Bool { self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D }
}
