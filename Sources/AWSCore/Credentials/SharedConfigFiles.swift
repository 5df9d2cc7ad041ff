#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The AWS shared configuration files (`credentials` and `config`) and the selected profile.
///
/// Paths and profile follow the AWS SDKs: `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`,
/// `AWS_PROFILE` (else `default`). In `config`, sections other than `default` are written
/// `[profile NAME]`; in `credentials` they are `[NAME]`. A key in `credentials` wins.
public struct SharedConfigFiles: Sendable {
    /// The selected profile: `AWS_PROFILE`, or `default` when unset or empty.
    public let profile: String
    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    public let credentialsPath: String
    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    public let configPath: String
    /// Where `aws sso login` caches its tokens: `~/.aws/sso/cache`.
    public let ssoCachePath: String

    /// Locates the files and the profile from `environment` (`HOME` included); nothing is read yet.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"].nonEmpty ?? FileManager.default.homeDirectoryForCurrentUser.path
        ssoCachePath = "\(home)/.aws/sso/cache"
        profile = environment["AWS_PROFILE"].nonEmpty ?? "default"
        credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"].nonEmpty ?? "\(home)/.aws/credentials"
        configPath = environment["AWS_CONFIG_FILE"].nonEmpty ?? "\(home)/.aws/config"
    }

    /// The selected profile's settings from both files merged; an unreadable file counts as empty.
    public func profileSettings() -> [String: String] {
        settings(forProfile: profile)
    }

    /// A profile's settings from both files merged (a key in `credentials` wins).
    public func settings(forProfile name: String) -> [String: String] {
        settings(forProfile: name, from: .config).merging(settings(forProfile: name, from: .credentials)) { $1 }
    }

    /// Which of the two files.
    public enum File: Sendable { case credentials, config }

    /// A profile's settings in one of the files alone.
    public func settings(forProfile name: String, from file: File) -> [String: String] {
        section(forProfile: name, in: file) ?? [:]
    }

    /// Whether either file has a section for the profile.
    public func hasProfile(_ name: String) -> Bool {
        section(forProfile: name, in: .config) != nil || section(forProfile: name, in: .credentials) != nil
    }

    /// The one place that says which section of which file a profile is: `[NAME]` in `credentials`,
    /// `[profile NAME]` (or `[default]`) in `config`; nil when the file has none.
    private func section(forProfile name: String, in file: File) -> [String: String]? {
        switch file {
        case .credentials: Self.parse(contentsOf: credentialsPath)[name]
        case .config: Self.configSection(name, in: Self.parse(contentsOf: configPath))
        }
    }

    /// A profile's section of `config`: `[profile NAME]`, or `[default]` for the default profile,
    /// which a hand-edited config may also name `[profile default]` (used when `[default]` is empty).
    static func configSection(_ name: String, in config: [String: [String: String]]) -> [String: String]? {
        guard name == "default" else { return config["profile \(name)"] }
        if let section = config["default"], !section.isEmpty { return section }
        return config["profile default"] ?? config["default"]
    }

    /// An `[sso-session NAME]` section of `config`, as `aws configure sso` writes it.
    public func ssoSession(_ name: String) -> [String: String]? {
        Self.parse(contentsOf: configPath)["sso-session \(name)"]
    }

    static func parse(contentsOf path: String) -> [String: [String: String]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        return parse(text)
    }

    /// Parses the INI dialect of the AWS files: `[section]`, `key = value`, `#`/`;` comments.
    /// Indented lines belong to a nested block (e.g. `s3 =`) and are skipped: nothing here reads them.
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if let first = rawLine.first, first == " " || first == "\t" { continue }
            let line = rawLine.trimmingHorizontalWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingHorizontalWhitespace
                current = name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                if let current, sections[current] == nil { sections[current] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingHorizontalWhitespace.lowercased()
            let value = line[line.index(after: equals)...].trimmingHorizontalWhitespace
            sections[current, default: [:]][key] = value
        }
        return sections
    }
}
