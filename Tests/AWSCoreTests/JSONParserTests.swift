import AWSCore
import Foundation
import Testing
import TestSupport

/// `JSONValue(data:)` parses by itself; Foundation's `JSONDecoder` (through JSONValue's Codable
/// conformance) is the reference it must agree with, on every JSON file the repository carries.
@Suite(.tags(.unit))
struct JSONParserTests {
    static func reference(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

    @Test func everyJSONFileInTheRepositoryParsesAsJSONDecoderReadsIt() throws {
        let fixtures = BuiltProducts.packageRoot.appendingPathComponent("fixtures")
        let files =
            try #require(FileManager.default.enumerator(at: fixtures, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL })
            .filter { $0.pathExtension == "json" } + [BuiltProducts.packageRoot.appendingPathComponent("cfn/new-user-pool.json")]
        #expect(files.count > 30, "the corpus went missing: \(files.count) files")
        for file in files {
            let data = try Data(contentsOf: file)
            #expect(try JSONValue(data: data) == (try Self.reference(data)), "\(file.path)")
        }
    }

    @Test(arguments: [
        #"{"a":"x\"y\\z\/w\b\f\n\r\t"}"#, #"["\u00e9\u4e2d\ud83d\ude00", "é中😀"]"#, #"[0, -0, 12, -7, 9223372036854775807, 9223372036854775808]"#,
        #"[1.5, -2.25e3, 1E-2, 0.1, 1e2]"#, #" { "nested" : [ [ ] , { } , null , true , false ] } "#, #""just a string""#, "42",
    ])
    func agreesWithJSONDecoder(document: String) throws {
        let data = Data(document.utf8)
        #expect(try JSONValue(data: data) == (try Self.reference(data)))
    }

    @Test func integralValuesAreIntegersAndTheRestDoubles() throws {
        #expect(
            try JSONValue(data: Data("[1, 1.0, 1e2, -3, 2.5, 1e19]".utf8)) == [
                .integer(1), .integer(1), .integer(100), .integer(-3), .double(2.5), .double(1e19),
            ])
    }

    @Test(arguments: [
        ("", "unexpected end"), ("{", "expected a member name"), (#"{"a" 1}"#, "expected ':'"), ("[1,]", "unexpected character"),
        ("[1 2]", "expected ',' or ']'"), (#""abc"#, "unterminated string"), ("\"a\u{01}b\"", "control character"), (#""\x""#, "unknown escape"),
        (#""\ud83d""#, "lone high surrogate"), (#""\ude00""#, "lone low surrogate"), ("01", "after the document"), ("-", "without digits"),
        ("1.", "fraction without digits"), ("1e", "exponent without digits"), ("tru", "unexpected character"), ("1e999", "out of range"),
        (#"{"a":1} x"#, "after the document"), (String(repeating: "[", count: 600), "nesting deeper than 512"),
    ])
    func badInputNamesTheProblem(document: String, problem: String) {
        do {
            _ = try JSONValue(data: Data(document.utf8))
            Issue.record("\(document.prefix(40)) parsed")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains(problem), "\(context.debugDescription)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: DecodingError.self) { try JSONValue(data: Data([0x22, 0xFF, 0x22])) }
    }
}
