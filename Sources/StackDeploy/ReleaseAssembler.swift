import AWSCore
import Crypto
import Foundation

/// What a release holds, written beside it as `manifest.json`.
public struct ReleaseManifest: Codable, Sendable, Equatable {
    /// One file of the release.
    public struct File: Codable, Sendable, Equatable {
        /// Its name in the release folder and under `<version>/` in each bucket.
        public var name: String
        /// Its size in bytes.
        public var size: Int
        /// Its SHA-256, lowercase hex.
        public var sha256: String

        /// A file entry.
        public init(name: String, size: Int, sha256: String) {
            self.name = name
            self.size = size
            self.sha256 = sha256
        }
    }

    /// The release's version.
    public var version: String
    /// The commit it was built from.
    public var commit: String
    /// The buckets' prefix the templates default to.
    public var bucketPrefix: String
    /// The regions it is published to.
    public var regions: [String]
    /// Every file but the manifest and `SHA256SUMS`, by name.
    public var files: [File]

    /// A manifest.
    public init(version: String, commit: String, bucketPrefix: String, regions: [String], files: [File]) {
        self.version = version
        self.commit = commit
        self.bucketPrefix = bucketPrefix
        self.regions = regions
        self.files = files
    }
}

/// A release that cannot be assembled, and what to do about it.
public enum ReleaseAssemblyError: Error, Equatable, CustomStringConvertible {
    /// An input file is missing.
    case missing(path: String, hint: String)
    /// A template could not be packaged.
    case template(file: String, problem: TemplatePackagingError)
    /// A region name that is not one.
    case badRegion(String)

    /// What went wrong and what to do, in words.
    public var description: String {
        switch self {
        case let .missing(path, hint): "\(path) is missing: \(hint)"
        case let .template(file, problem): "\(file): \(problem)"
        case let .badRegion(region): "'\(region)' is not an AWS Region name such as eu-west-1"
        }
    }
}

/// Writes a release folder (`make release`): the three Lambda zips and the CLI archive, both
/// templates packaged for the release in YAML and JSON, `SHA256SUMS`, `manifest.json`, and
/// `LAUNCH.md` with a console "Launch Stack" URL per region and template.
public struct ReleaseAssembler: Sendable {
    /// Where the release will live.
    public var layout: ReleaseLayout
    /// The commit it is built from.
    public var commit: String
    /// The regions it will be published to.
    public var regions: [String]

    /// An assembler for `layout`, built from `commit`, for `regions`.
    public init(layout: ReleaseLayout, commit: String, regions: [String] = ReleaseLayout.defaultRegions) {
        self.layout = layout
        self.commit = commit
        self.regions = regions
    }

    /// The CLI archive's file name for a version.
    public static func cliArchiveName(version: String) -> String { "smsredirect-\(version)-linux-x86_64.tar.gz" }

    /// Assembles the release into `folder` (made anew) from the zips and the CLI archive in
    /// `artifacts` and the JSON templates in `templates`; returns its manifest.
    @discardableResult
    public func assemble(artifacts: URL, templates: URL, into folder: URL) throws -> ReleaseManifest {
        for region in regions where region.wholeMatch(of: /[a-z]{2,}(-[a-z]+)+-[0-9]+/) == nil { throw ReleaseAssemblyError.badRegion(region) }
        var contents: [(name: String, data: Data)] = []
        let archive = Self.cliArchiveName(version: layout.version)
        for name in LambdaArtifact.allCases.map(\.fileName) + [archive] {
            let file = artifacts.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw ReleaseAssemblyError.missing(path: file.path, hint: "build it first (`make package`)")
            }
            contents.append((name, data))
        }
        for template in StackTemplate.allCases {
            let file = templates.appendingPathComponent(template.jsonFile)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw ReleaseAssemblyError.missing(path: file.path, hint: "the JSON twins come from `make cfn-json`")
            }
            let packaged: JSONValue
            do {
                packaged = try TemplatePackaging.packageForRelease(try JSONValue(data: data), layout: layout)
            } catch let problem as TemplatePackagingError {
                throw ReleaseAssemblyError.template(file: file.path, problem: problem)
            }
            contents.append((template.jsonFile, try packaged.data(prettyPrinted: true)))
            contents.append((template.yamlFile, Data(TemplateYAML.render(packaged).utf8)))
        }
        contents.append(("LAUNCH.md", Data(launchPage().utf8)))

        let manifest = ReleaseManifest(
            version: layout.version, commit: commit, bucketPrefix: layout.bucketPrefix, regions: regions,
            files: contents.map { .init(name: $0.name, size: $0.data.count, sha256: Self.sha256($0.data)) }.sorted { $0.name < $1.name })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        contents.append(("manifest.json", try encoder.encode(manifest) + Data("\n".utf8)))
        let sums = contents.sorted { $0.name < $1.name }.map { "\(Self.sha256($0.data))  \($0.name)\n" }.joined()

        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, data) in contents { try data.write(to: folder.appendingPathComponent(name)) }
        try Data(sums.utf8).write(to: folder.appendingPathComponent("SHA256SUMS"))
        return manifest
    }

    /// `LAUNCH.md`: one Launch Stack URL per region and template.
    func launchPage() -> String {
        var page = """
            # CognitoSMSRedirect \(layout.version): Launch Stack

            Each link opens the AWS console's create-stack form in that region, filled with the release's \
            template; its Lambda code comes from the release's bucket in the same region \
            (`\(layout.bucketPrefix)-<region>/\(layout.version)/`). The links work once the release has been \
            published there (`scripts/publish-release.sh`, run by the release workflow).

            | region | new user pool | existing user pool |
            |---|---|---|

            """
        for region in regions {
            page +=
                "| \(region) | [Launch Stack](\(layout.launchStackURL(.newUserPool, region: region))) | [Launch Stack](\(layout.launchStackURL(.existingUserPool, region: region))) |\n"
        }
        return page
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
