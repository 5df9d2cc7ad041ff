import Foundation
import Testing
import TestSupport

/// `scripts/check-sender-closure.py`, the guard `make package` runs on the sender's link map: it must
/// fail when a module pulls full Foundation into the layer's core, and name that module.
@Suite(.needsPython())
struct SenderClosureCheckTests {
    static let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/check-sender-closure.py").path
    static let swiftStatic = "/opt/swift/usr/lib/swift_static/linux"
    static let objects = "/src/.build-lambda/x86_64-unknown-linux-gnu/release"

    static func check(_ map: String) async throws -> CommandResult {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sender-\(UUID().uuidString).map")
        try map.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await CommandRunner.run("/usr/bin/env", ["python3", script, file.path])
    }

    /// A gold map's archive section, member then the file (and symbol) that needed it.
    static func map(_ members: [(member: String, by: String, symbol: String)]) -> String {
        "Archive member included because of file (symbol)\n\n"
            + members.map { "\($0.member)\n                              \($0.by) (\($0.symbol))\n" }.joined()
            + "\nDiscarded input sections\n\n .text 0x0 0x0 \(objects)/sender.build/main.swift.o\n"
    }

    @Test func essentialsAloneIsAccepted() async throws {
        let result = try await Self.check(
            Self.map([
                ("\(Self.swiftStatic)/libswiftCore.a(Swift.o)", "\(Self.objects)/SMSSender.build/CodeRecord.swift.o", "$sSS5countSivg"),
                (
                    "\(Self.swiftStatic)/libFoundationEssentials.a(Date.swift.o)", "\(Self.objects)/AWSCore.build/SigV4.swift.o",
                    "$s20FoundationEssentials4DateVACycfC"
                ),
            ]))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("2 archive members from 2 archives"), "\(result.standardOutput)")
    }

    @Test func fullFoundationFailsAndNamesTheModuleThatPulledItIn() async throws {
        let foundation = "\(Self.swiftStatic)/libFoundation.a(NSStringAPI.swift.o)"
        let international = "\(Self.swiftStatic)/libFoundationInternationalization.a(Locale.swift.o)"
        let result = try await Self.check(
            Self.map([
                ("\(Self.swiftStatic)/libswiftCore.a(Swift.o)", "\(Self.objects)/SMSSender.build/CodeRecord.swift.o", "$sSS5countSivg"),
                (foundation, "\(Self.objects)/AWSCore.build/SigV4.swift.o", "$sSS10FoundationE6formatSSSSh_s7CVarArg_pdtcfC"),
                (international, foundation, "$s30FoundationInternationalization6LocaleV7currentACvgZ"),
                ("\(Self.swiftStatic)/lib_FoundationICU.a(ucol.o)", international, "ucol_open"),
            ]))
        #expect(result.status == 1)
        for library in ["Foundation", "FoundationInternationalization", "ICU (_FoundationICU)"] {
            #expect(result.standardError.contains("  \(library): pulled in by AWSCore (SigV4.swift)"), "\(result.standardError)")
        }
    }

    /// GNU ld's header, a short member and its referrer on one line, and a member linked whole
    /// (no symbol): none of them may slip through.
    @Test func gnuLdOneLineEntriesAndWholeArchiveMembersAreChecked() async throws {
        let result = try await Self.check(
            """
            Archive member included to satisfy reference by file (symbol)

            \(Self.swiftStatic)/libswiftCore.a(S.o)   \(Self.objects)/AWSCore.build/ARN.swift.o ($sSS5countSivg)
            \(Self.swiftStatic)/libFoundation.a(N.o) \(Self.objects)/SMSSender.build/CodeRecord.swift.o ($sSS10FoundationE6formatSSSSh_s7CVarArg_pdtcfC)
            \(Self.swiftStatic)/lib_FoundationICU.a(ucol.o)
                                          --whole-archive

            Memory map
            """)
        #expect(result.status == 1)
        #expect(result.standardError.contains("  Foundation: pulled in by SMSSender (CodeRecord.swift)"), "\(result.standardError)")
        #expect(result.standardError.contains("  ICU (_FoundationICU): pulled in by --whole-archive (linked whole)"), "\(result.standardError)")
    }

    @Test func aMapWithoutItsArchiveSectionIsAnError() async throws {
        let result = try await Self.check("Memory map\n\n.text 0x0 0x10\n")
        #expect(result.status == 2)
        #expect(result.standardError.contains("has no archive section"), "\(result.standardError)")
    }
}
