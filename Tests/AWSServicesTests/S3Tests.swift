import AsyncHTTPClient
import AWSCore
import AWSServices
import Foundation
import NIOCore
import Testing
import TestSupport

@Suite(.needsMoto)
struct S3Tests {
    let s3: S3Client
    init() throws { s3 = try S3Client(configuration: Moto.configuration()) }

    @Test func conditionalWritesAndReads() async throws {
        let bucket = Moto.uniqueName("journal")
        try await s3.createBucket(name: bucket)
        let key = "journals/pool one/ü.sqlite"

        let firstTag = try #require(
            try await s3.putObject(bucket: bucket, key: key, body: Data("v1".utf8), contentType: "application/x-sqlite3", ifNoneMatch: "*"))
        // A second "create only" write loses: the object exists.
        let exists = try await #require(throws: AWSError.self) { try await s3.putObject(bucket: bucket, key: key, body: Data("v1b".utf8), ifNoneMatch: "*") }
        #expect(exists.statusCode == 412)
        #expect(exists.code == "PreconditionFailed")

        let read = try await s3.getObject(bucket: bucket, key: key)
        #expect(read.body == Data("v1".utf8))
        #expect(read.eTag == firstTag)

        let secondTag = try await s3.putObject(bucket: bucket, key: key, body: Data("v2".utf8), ifMatch: firstTag)
        #expect(secondTag != firstTag)
        // Writing over a version that is no longer current fails.
        let stale = try await #require(throws: AWSError.self) { try await s3.putObject(bucket: bucket, key: key, body: Data("v3".utf8), ifMatch: firstTag) }
        #expect(stale.code == "PreconditionFailed")
        let staleRead = try await #require(throws: AWSError.self) { try await s3.getObject(bucket: bucket, key: key, ifMatch: firstTag) }
        #expect(staleRead.statusCode == 412)
        #expect(try await s3.getObject(bucket: bucket, key: key, ifMatch: secondTag).body == Data("v2".utf8))

        let head = try await s3.headObject(bucket: bucket, key: key)
        #expect(head.eTag == secondTag)
        #expect(head.contentLength == 2)
    }

    @Test func missingObjectsAndBucketsAreServiceErrors() async throws {
        let bucket = Moto.uniqueName("empty")
        try await s3.createBucket(name: bucket)
        let head = try await #require(throws: AWSError.self) { try await s3.headObject(bucket: bucket, key: "nothing") }
        #expect(head.statusCode == 404)
        #expect(head.code == "NotFound")
        let get = try await #require(throws: AWSError.self) { try await s3.getObject(bucket: bucket, key: "nothing") }
        #expect(get.code == "NoSuchKey")
        #expect(get.service == "S3")
        #expect(get.operation == "GetObject")
        let noBucket = try await #require(throws: AWSError.self) { try await s3.getObject(bucket: Moto.uniqueName("absent"), key: "k") }
        #expect(noBucket.code == "NoSuchBucket")
        #expect(noBucket.statusCode == 404)
    }

    /// CloudFormation gives a custom resource a presigned URL and the resource PUTs its response
    /// there with no other headers: that is what moto must accept.
    @Test func presignedPutURLAcceptsAPlainPut() async throws {
        let bucket = Moto.uniqueName("responses")
        try await s3.createBucket(name: bucket)
        let key = "arn:aws:cloudformation:us-east-1:123456789012:stack/demo/1|Helper|req 1"
        let url = try await s3.presignedPutURL(bucket: bucket, key: key, expires: .seconds(600))
        #expect(url.contains("X-Amz-Signature="))
        #expect(url.contains("X-Amz-Expires=600"))

        var request = HTTPClientRequest(url: url)
        request.method = .PUT
        request.body = .bytes(ByteBuffer(string: #"{"Status":"SUCCESS"}"#))
        // Generous: it checks that moto accepts the PUT, and moto is busiest while every suite starts.
        let response = try await Moto.testClient.execute(request, timeout: .seconds(60))
        #expect(response.status == .ok)
        #expect(try await s3.getObject(bucket: bucket, key: key).body == Data(#"{"Status":"SUCCESS"}"#.utf8))
    }

    @Test func awsAddressingIsVirtualHosted() throws {
        var configuration = try Moto.configuration(region: "eu-west-1")
        configuration.environment = [:]
        let client = try S3Client(configuration: configuration)
        let (endpoint, path) = client.address(bucket: "my-bucket", key: "a b/c")
        #expect(endpoint.origin == "https://my-bucket.s3.eu-west-1.amazonaws.com")
        #expect(path == "/a%20b/c")
    }
}
