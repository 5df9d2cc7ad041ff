import AWSCore
import CustomResource
import Foundation
import Testing
import TestSupport

/// Events CloudFormation would never send, through the built helper. Each has a good ResponseURL,
/// so each gets a FAILED answer there naming what is wrong, instead of silence that leaves the
/// stack waiting out its ServiceTimeout; and every answer fits CloudFormation's 4,096 bytes.
@Suite(.needsMoto)
struct HostileHelperEventTests {
    /// A Create as CloudFormation sends it, to be broken one field at a time.
    func event(_ harness: HelperHarness, requestId: String) async throws -> JSONValue {
        let properties: [String: JSONValue] = [
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:helper", "UserPoolId": "us-east-1_Hostile",
            "SenderFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111",
            "LayerVersionArn": "arn:aws:lambda:us-east-1:123456789012:layer:l:1",
        ]
        return try await harness.event(.create, properties: properties, requestId: requestId).jsonValue
    }

    /// Probes: an unknown RequestType, a missing StackId, a missing LogicalResourceId, a numeric
    /// RequestId, and properties that are not an object.
    @Test(arguments: [
        ("Destroy", "RequestType is 'Destroy', not Create, Update or Delete"),
        ("no StackId", "StackId is missing"),
        ("no LogicalResourceId", "LogicalResourceId is missing"),
        ("numeric RequestId", "RequestId is 42, not a string"),
        ("properties a list", "ResourceProperties is not an object"),
    ])
    func aBrokenEventIsAnsweredFailedNamingTheField(_ breakage: String, saying: String) async throws {
        let harness = try await HelperHarness.make()
        let requestId = UUID().uuidString
        var document = try await event(harness, requestId: requestId)
        switch breakage {
        case "Destroy": document["RequestType"] = "Destroy"
        case "no StackId": document["StackId"] = nil
        case "no LogicalResourceId": document["LogicalResourceId"] = nil
        case "numeric RequestId": document["RequestId"] = .integer(42)
        default: document["ResourceProperties"] = ["a", "b"]
        }
        try await harness.run(payloads: [try document.data()])
        // The answer goes where the ResponseURL points, which names the RequestId it was made for.
        let response = try await harness.inbox.response(for: requestId)
        #expect(response["Status"]?.stringValue == "FAILED")
        let reason = try #require(response["Reason"]?.stringValue)
        #expect(reason.contains(saying), "\(reason)")
        #expect(!reason.contains("X-Amz-Signature"), "the reason carries the ResponseURL")
        if breakage == "numeric RequestId" { #expect(response["RequestId"]?.stringValue == "42", "echoed as text") }
    }

    /// Probe: a Delete whose PhysicalResourceId is a megabyte: the answer is within 4,096 bytes,
    /// every field of it, and still an answer.
    @Test func aHugePhysicalResourceIdStillGetsAnAnswerWithinTheLimit() async throws {
        let harness = try await HelperHarness.make()
        let requestId = UUID().uuidString
        var document = try await event(harness, requestId: requestId)
        document["RequestType"] = "Delete"
        document["PhysicalResourceId"] = .string(String(repeating: "p", count: 1 << 20))
        try await harness.run(payloads: [try document.data()])
        let body = try await harness.inbox.rawResponse(for: requestId)
        #expect(body.count <= CustomResourceResponse.maxBodyBytes, "\(body.count) bytes")
        let response = try JSONValue(data: body)
        #expect(response["Status"]?.stringValue != nil)
        #expect((response["PhysicalResourceId"]?.stringValue?.utf8.count ?? .max) <= CustomResourceResponse.maxPhysicalResourceIdBytes)
    }

    /// However the fields are filled, the body stays within 4,096 bytes, and computing it ends:
    /// plain text, control characters (six bytes each once escaped in JSON) and CJK text (three
    /// bytes each) in every field, and many Data values.
    @Test(.tags(.unit), arguments: ["x", "\u{01}", "漢"])
    func everyFieldIsCutToFitTheBody(_ unit: String) throws {
        let huge = String(repeating: unit, count: 100_000)
        let event = CustomResourceEvent(
            requestType: .delete, responseURL: "https://example.com/r", stackId: String(repeating: unit, count: 256),
            requestId: String(repeating: unit, count: 256), resourceType: "Custom::X", logicalResourceId: String(repeating: unit, count: 256),
            physicalResourceId: huge, resourceProperties: [:])
        var data: [String: String] = [:]
        for index in 0..<60 { data["Key\(index)"] = String(repeating: unit, count: 200) }
        for status in [CustomResourceResponse.Status.success, .failed] {
            let body = CustomResourceResponse(status: status, reason: huge, physicalResourceId: huge, event: event, data: data).body()
            #expect(body.count <= CustomResourceResponse.maxBodyBytes, "\(body.count) bytes")
            #expect(try JSONValue(data: body)["Status"]?.stringValue == status.rawValue)
        }
    }

    @Test(.tags(.unit)) func aHugeReasonAndDataAreCutToFitTheBody() throws {
        let huge = String(repeating: "x", count: 100_000)
        let event = CustomResourceEvent(
            requestType: .delete, responseURL: "https://example.com/r", stackId: huge, requestId: huge, resourceType: "Custom::X", logicalResourceId: huge,
            physicalResourceId: huge, resourceProperties: [:])
        let response = CustomResourceResponse(status: .success, reason: huge, physicalResourceId: huge, event: event, data: ["LeftAlone": huge, "Other": huge])
        #expect(response.body().count <= CustomResourceResponse.maxBodyBytes)
        #expect(try JSONValue(data: response.body())["Status"]?.stringValue == "SUCCESS")
    }
}
