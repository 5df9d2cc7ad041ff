import ArgumentParser
import Foundation
import StackDeploy

/// `make release`'s assembler: the release folder from a build's zips and CLI archive and the
/// JSON templates. A maintainer's tool, not shipped.
@main
struct ReleaseTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsredirect-release",
        abstract:
            "Assemble a release folder: the Lambda zips and CLI archive, both templates packaged for the release (YAML and JSON), SHA256SUMS, manifest.json, LAUNCH.md.",
        discussion: """
            Example (what `make release` runs):
              smsredirect-release --version 0.16.0 --commit $(git rev-parse HEAD) --artifacts dist --templates cfn --out dist/release/0.16.0
            """)

    @Option(name: .long, help: "The release's version (smsredirect --version).") var version: String
    @Option(name: .long, help: "The commit it is built from.") var commit: String
    @Option(name: .long, help: ArgumentHelp("The folder holding the zips and the CLI archive.", valueName: "dir")) var artifacts = "dist"
    @Option(name: .long, help: ArgumentHelp("The folder holding the JSON templates.", valueName: "dir")) var templates = "cfn"
    @Option(name: .long, help: ArgumentHelp("The release folder to write (made anew).", valueName: "dir")) var out: String
    @Option(name: .long, help: "The buckets' prefix the templates default to.") var bucketPrefix = ReleaseLayout.publicBucketPrefix
    @Option(name: .long, parsing: .upToNextOption, help: "The regions it will be published to (default: the project's list).") var regions: [String] = []

    func run() throws {
        let assembler = ReleaseAssembler(
            layout: ReleaseLayout(version: version, bucketPrefix: bucketPrefix), commit: commit,
            regions: regions.isEmpty ? ReleaseLayout.defaultRegions : regions)
        do {
            let manifest = try assembler.assemble(
                artifacts: URL(fileURLWithPath: artifacts), templates: URL(fileURLWithPath: templates), into: URL(fileURLWithPath: out))
            print("release \(manifest.version) (\(manifest.commit.prefix(12))) in \(out): \(manifest.files.count) files, \(manifest.regions.count) regions")
            for file in manifest.files { print("  \(file.sha256.prefix(16))…  \(file.size)  \(file.name)") }
        } catch let error as ReleaseAssemblyError {
            throw ValidationError(error.description)
        }
    }
}
