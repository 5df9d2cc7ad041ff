import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Amazon S3 (restXml): buckets, objects with conditional writes and reads, presigned PUT URLs.
public struct S3Client: Sendable {
    /// S3 on the wire: restXml, signed as `s3` with S3's signing rules.
    public static let service = ServiceDescriptor(serviceId: "S3", signingName: "s3", endpointPrefix: "s3", wireProtocol: .restXML)

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` overrides the endpoint (then path-style).
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// An object as GetObject returns it.
    public struct Object: Sendable, Equatable {
        /// The object's bytes, read whole.
        public var body: Data
        /// The `ETag` header, quotes included, for a later `ifMatch`; nil if absent.
        public var eTag: String?
        /// The `Content-Type` header the object was stored with.
        public var contentType: String?
    }

    /// An object's metadata as HeadObject returns it.
    public struct ObjectHead: Sendable, Equatable {
        /// The `ETag` header, quotes included; nil if absent.
        public var eTag: String?
        /// The `Content-Length` header: the object's size in bytes.
        public var contentLength: Int?
    }

    /// CreateBucket in the client's region (a `LocationConstraint` outside `us-east-1`).
    public func createBucket(name: String) async throws {
        var body = Data()
        if client.region != "us-east-1" {
            body = Data(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(XMLDocument.escape(client.region.rawValue))</LocationConstraint></CreateBucketConfiguration>"
                    .utf8)
        }
        let (endpoint, path) = address(bucket: name, key: nil)
        _ = try await client.rest("CreateBucket", method: .PUT, path: path, body: body, endpoint: endpoint)
    }

    /// PutObject; returns the new ETag. `ifMatch` writes only over that version, `ifNoneMatch: "*"`
    /// only where no object exists: a lost race is a `PreconditionFailed` error (HTTP 412).
    @discardableResult
    public func putObject(bucket: String, key: String, body: Data, contentType: String? = nil, ifMatch: String? = nil, ifNoneMatch: String? = nil) async throws
        -> String?
    {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        if let ifNoneMatch { headers.append(("If-None-Match", ifNoneMatch)) }
        let (endpoint, path) = address(bucket: bucket, key: key)
        let response = try await client.rest("PutObject", method: .PUT, path: path, headers: headers, body: body, endpoint: endpoint)
        return response.header("ETag")
    }

    /// GetObject; `ifMatch` fails with `PreconditionFailed` when the object changed,
    /// `ifNoneMatch` with `NotModified` when it did not.
    public func getObject(bucket: String, key: String, ifMatch: String? = nil, ifNoneMatch: String? = nil) async throws -> Object {
        var headers: [(name: String, value: String)] = []
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        if let ifNoneMatch { headers.append(("If-None-Match", ifNoneMatch)) }
        let (endpoint, path) = address(bucket: bucket, key: key)
        let response: HTTPResponse
        do {
            response = try await client.rest("GetObject", method: .GET, path: path, headers: headers, endpoint: endpoint)
        } catch var error as AWSError where error.statusCode == 304 {
            error.code = "NotModified"
            throw error
        }
        return Object(body: response.body, eTag: response.header("ETag"), contentType: response.header("Content-Type"))
    }

    /// HeadObject; a missing object is an ``AWSError`` with code `NotFound`.
    public func headObject(bucket: String, key: String) async throws -> ObjectHead {
        let (endpoint, path) = address(bucket: bucket, key: key)
        let response = try await client.rest("HeadObject", method: .HEAD, path: path, endpoint: endpoint)
        return ObjectHead(eTag: response.header("ETag"), contentLength: response.header("Content-Length").flatMap { Int($0) })
    }

    /// A URL that lets its holder PUT this one object, with no other headers, until it expires.
    /// (CloudFormation hands custom resources such a URL for their response.)
    public func presignedPutURL(bucket: String, key: String, expires: Duration = .seconds(3600)) async throws -> String {
        let (endpoint, path) = address(bucket: bucket, key: key)
        return try await client.presignedURL(method: .PUT, path: path, expires: expires, endpoint: endpoint)
    }

    /// The endpoint and encoded path for a bucket and key.
    /// Path-style addressing on a configured endpoint (moto, LocalStack) and for bucket names that
    /// can't be host names; virtual-hosted style on AWS, as AWS recommends.
    public func address(bucket: String, key: String?) -> (ResolvedEndpoint, String) {
        let keyPath = key.map { "/" + AWSURIEncoding.encode($0, keepSlash: true) } ?? ""
        let endpoint = client.endpoint
        if endpoint.isCustom || bucket.contains(".") {
            return (endpoint, "/" + AWSURIEncoding.encode(bucket) + (key == nil ? "" : keyPath))
        }
        let origin = endpoint.origin.replacing("://", with: "://\(bucket).", maxReplacements: 1)
        return (ResolvedEndpoint(origin: origin, isCustom: false), keyPath.isEmpty ? "/" : keyPath)
    }
}
