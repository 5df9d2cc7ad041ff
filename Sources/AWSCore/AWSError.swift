/// The one error every AWS call throws: a service's error response, a transport failure,
/// or a response this client could not read.
///
/// Its description is written for a log line and for a CloudFormation failure reason:
/// `KMS Decrypt failed: AccessDeniedException: … (HTTP 400, request id 1a2b…)`.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the failure happened: at the service, on the way there, or in reading the answer.
    public enum Kind: Sendable, Equatable {
        /// The service answered with an error response.
        case service
        /// No usable response arrived: connection refused or dropped, or a timeout.
        case transport
        /// A response arrived that this client could not decode.
        case malformedResponse
    }

    /// Which of the three failures this is; the retry and `is…` checks depend on it.
    public var kind: Kind
    /// The service's name as AWS writes it, e.g. `KMS` or `Cognito Identity Provider`.
    public var service: String
    /// The API operation (or awsQuery action) that failed, e.g. `Decrypt`.
    public var operation: String
    /// The HTTP status, when a response arrived.
    public var statusCode: Int?
    /// AWS's error code (`ResourceNotFoundException`, `AccessDenied`, …), or one of this client's
    /// codes for the other kinds: `NetworkError`, `RequestTimeout`, `MalformedResponse`.
    public var code: String
    /// The service's error message, or this client's explanation; may be empty.
    public var message: String
    /// AWS's request id (from the error body or the `x-amzn-RequestId`/`x-amz-request-id` header), for support cases.
    public var requestId: String?
    /// The endpoint the request went to, so that a refused connection says where.
    public var endpoint: String

    /// Creates an error; `statusCode` is nil when no response arrived.
    public init(
        kind: Kind = .service, service: String, operation: String, statusCode: Int?, code: String, message: String, requestId: String? = nil, endpoint: String
    ) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.statusCode = statusCode
        self.code = code
        self.message = message
        self.requestId = requestId
        self.endpoint = endpoint
    }

    /// One line: service, operation, code and message, then status, request id and (for non-service kinds) endpoint.
    public var description: String {
        var details: [String] = []
        if let statusCode { details.append("HTTP \(statusCode)") }
        if let requestId, !requestId.isEmpty { details.append("request id \(requestId)") }
        if kind != .service { details.append("endpoint \(endpoint)") }
        let message = message.isEmpty ? "" : ": \(message)"
        return "\(service) \(operation) failed: \(code)\(message)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
    }

    /// Whether the AWS "standard" retry mode would try again: throttling, a transient code,
    /// a 5xx, or a transport failure — never another 4xx.
    public var isRetryable: Bool {
        switch kind {
        case .transport: return true
        case .malformedResponse: return (statusCode ?? 0) >= 500
        case .service:
            if Self.throttlingCodes.contains(code) || Self.transientCodes.contains(code) { return true }
            if let statusCode, statusCode >= 500 || statusCode == 429 { return true }
            return false
        }
    }

    /// Whether this is throttling (as opposed to another transient fault).
    public var isThrottling: Bool { kind == .service && (Self.throttlingCodes.contains(code) || statusCode == 429) }

    /// The named resource does not exist (a pool, function, key, topic, queue, object or role).
    public var isNotFound: Bool { kind == .service && Self.notFoundCodes.contains(code) }

    /// The caller may not do this: an IAM or resource policy, or a key policy, refused it.
    public var isAccessDenied: Bool { kind == .service && Self.accessDeniedCodes.contains(code) }

    /// A conditional write lost: S3's `If-Match`/`If-None-Match` answered 412, or 409 while
    /// another conditional write of the key was under way. Read again and retry.
    public var isPreconditionFailed: Bool {
        kind == .service && (statusCode == 412 || Self.preconditionCodes.contains(code))
    }

    /// Another update of the same resource is in progress (Cognito's one-update-at-a-time rule).
    public var isConcurrentModification: Bool { kind == .service && code == "ConcurrentModificationException" }

    /// The request itself was refused as invalid (a value, a member, a combination).
    public var isInvalidParameter: Bool { kind == .service && Self.invalidParameterCodes.contains(code) }

    /// S3 answered that the bucket itself does not exist (`NoSuchBucket`), not only the key: a
    /// reader that takes a missing object as "nothing yet" must not take a missing bucket so.
    public var isNoSuchBucket: Bool { kind == .service && code == "NoSuchBucket" }

    /// CloudFormation has no stack by that name: its `ValidationError` "Stack with id NAME does not exist".
    public var isNoSuchStack: Bool { kind == .service && code == "ValidationError" && message.contains("does not exist") }

    /// A create found its resource already there: a retried create whose first attempt landed
    /// meets this, so a caller that made the name itself can read the resource instead. Lambda's
    /// `ResourceConflictException` also means "an update is in progress": read before trusting it.
    public var isAlreadyExists: Bool { kind == .service && Self.alreadyExistsCodes.contains(code) }

    // The codes each service uses, from their API references' error lists.
    static let notFoundCodes: Set<String> = [
        "ResourceNotFoundException", "NotFoundException", "NotFound", "NoSuchKey", "NoSuchBucket", "NoSuchEntity",
        "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
    ]
    static let accessDeniedCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "AuthorizationError", "KMSAccessDenied", "UnauthorizedOperation",
    ]
    static let preconditionCodes: Set<String> = ["PreconditionFailed", "ConditionalRequestConflict"]
    static let alreadyExistsCodes: Set<String> = [
        "ResourceConflictException", "EntityAlreadyExists", "BucketAlreadyOwnedByYou", "ResourceExistsException", "QueueAlreadyExists",
    ]
    static let invalidParameterCodes: Set<String> = [
        "InvalidParameter", "InvalidParameterValue", "InvalidParameterException", "InvalidParameterValueException", "ValidationException", "ValidationError",
    ]

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
    ]
}
