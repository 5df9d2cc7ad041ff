import AWSCore
import Foundation
import Logging
import Testing
import TestSupport

@testable import LambdaRuntime

@Suite(.tags(.unit)) struct JSONLogHandlerTests {
    static func parse(_ line: [UInt8]) throws -> [String: JSONValue] {
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "one object per line")
        return try #require(try JSONValue(data: Data(line)).objectValue)
    }

    @Test func lineCarriesTheFixedFieldsAndFlattenedMetadata() throws {
        let line = JSONLogHandler.line(
            level: .warning,
            message: "quote \" backslash \\ newline \n tab \t bell \u{07} é",
            metadata: ["requestId": "r-1", "count": .stringConvertible(3), "list": ["a", "b"], "map": ["k": "v"]],
            timestamp: "2024-01-02T03:04:05.678Z"
        )
        let object = try Self.parse(line)
        #expect(object["timestamp"]?.stringValue == "2024-01-02T03:04:05.678Z")
        #expect(object["level"]?.stringValue == "WARN")
        #expect(object["message"]?.stringValue == "quote \" backslash \\ newline \n tab \t bell \u{07} é")
        #expect(object["requestId"]?.stringValue == "r-1")
        #expect(object["count"]?.stringValue == "3")
        #expect(object["list"]?.arrayValue?.compactMap(\.stringValue) == ["a", "b"])
        #expect(object["map"]?.objectValue?.compactMapValues(\.stringValue) == ["k": "v"])
        // requestId leads the metadata, right after the fixed fields.
        let text = String(decoding: line, as: UTF8.self)
        let requestIDAt = try #require(text.range(of: #""requestId""#)).lowerBound
        let countAt = try #require(text.range(of: #""count""#)).lowerBound
        #expect(requestIDAt < countAt)
    }

    @Test func metadataCannotOverwriteTheFixedFields() throws {
        let object = try Self.parse(JSONLogHandler.line(level: .info, message: "real", metadata: ["message": "fake", "level": "x"]))
        #expect(object["message"]?.stringValue == "real")
        #expect(object["level"]?.stringValue == "INFO")
    }

    @Test func timestampIsISO8601UTCWithMilliseconds() throws {
        let timestamp = JSONLogHandler.timestamp()
        #expect(timestamp.count == 24)
        let parsed = try #require(try? Date(timestamp, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
        #expect(abs(parsed.timeIntervalSinceNow) < 5)
    }

    @Test func levelsParseFromLambdaSpellings() {
        #expect(Logger.Level(lambdaName: "warn") == .warning)
        #expect(Logger.Level(lambdaName: "FATAL") == .critical)
        #expect(Logger.Level(lambdaName: "DEBUG") == .debug)
        #expect(Logger.Level(lambdaName: "loud") == nil)
    }

    @Test func endpointParsing() {
        #expect(RuntimeAPIEndpoint("127.0.0.1:9001") == RuntimeAPIEndpoint(host: "127.0.0.1", port: 9001))
        #expect(RuntimeAPIEndpoint("[::1]:9001") == RuntimeAPIEndpoint(host: "::1", port: 9001))
        #expect(RuntimeAPIEndpoint("[::1]:9001")?.description == "[::1]:9001")
        #expect(RuntimeAPIEndpoint("localhost") == nil)
        #expect(RuntimeAPIEndpoint(":9001") == nil)
        #expect(RuntimeAPIEndpoint("host:99999") == nil)
    }

    @Test func errorReportDescribesReportableAndPlainErrors() {
        #expect(
            ErrorReport(describing: MissingEnvironmentVariable(name: "KEY_ARN"))
                == ErrorReport(errorType: "Runtime.MissingEnvironmentVariable", errorMessage: "Required environment variable KEY_ARN is not set"))
        struct Oops: Error {}
        #expect(ErrorReport(describing: Oops()).errorType == "Oops")
    }
}
