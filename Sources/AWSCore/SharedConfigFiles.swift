import Foundation

/// The AWS shared configuration files (`credentials` and `config`) and the selected profile.
///
/// Paths and profile follow the AWS SDKs: `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`,
/// `AWS_PROFILE` (else `default`). In `config`, sections other than `default` are written
/// `[profile NAME]`; in `credentials` they are `[NAME]`. A key in `credentials` wins.
public struct SharedConfigFiles: Sendable {
    public let profile: String
    public let credentialsPath: String
    public let configPath: String
    /// Where `aws sso login` caches its tokens: `~/.aws/sso/cache`.
    public let ssoCachePath: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"].nonEmpty ?? NSHomeDirectory()
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
        let config = Self.parse(contentsOf: configPath)
        var merged = config[name == "default" ? "default" : "profile \(name)"] ?? [:]
        // A `[default]` section that a hand-edited config names `[profile default]` still counts.
        if name == "default", merged.isEmpty { merged = config["profile default"] ?? [:] }
        for (key, value) in Self.parse(contentsOf: credentialsPath)[name] ?? [:] { merged[key] = value }
        return merged
    }

    /// Which of the two files.
    public enum File: Sendable { case credentials, config }

    /// A profile's settings in one of the files alone.
    public func settings(forProfile name: String, from file: File) -> [String: String] {
        switch file {
        case .credentials:
            return Self.parse(contentsOf: credentialsPath)[name] ?? [:]
        case .config:
            let config = Self.parse(contentsOf: configPath)
            let section = config[name == "default" ? "default" : "profile \(name)"] ?? [:]
            return name == "default" && section.isEmpty ? config["profile default"] ?? [:] : section
        }
    }

    /// Whether either file has a section for the profile.
    public func hasProfile(_ name: String) -> Bool {
        let config = Self.parse(contentsOf: configPath)
        return config[name == "default" ? "default" : "profile \(name)"] != nil || (name == "default" && config["profile default"] != nil)
            || Self.parse(contentsOf: credentialsPath)[name] != nil
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
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                if let current, sections[current] == nil { sections[current] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[current, default: [:]][key] = value
        }
        return sections
    }
}
