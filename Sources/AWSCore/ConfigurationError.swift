/// A problem with the local AWS configuration, found before any request is sent.
public enum AWSConfigurationError: Error, Equatable, CustomStringConvertible {
    case missingCredentials(triedSources: [String])
    case incompleteCredentials(source: String, missing: String)
    case missingRegion
    /// A configured region is not a region name: where it came from and what it was.
    case invalidRegion(source: String, value: String)
    case invalidEndpoint(variable: String, value: String)
    /// A configured credential source could not give credentials: which one, why, and what to do.
    case credentialSourceFailed(source: String, problem: String)

    /// A message that says what is wrong and which setting to change.
    public var description: String {
        switch self {
        case let .missingCredentials(tried):
            "No AWS credentials found (tried: \(tried.joined(separator: "; "))). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE naming a profile in ~/.aws/credentials or ~/.aws/config (keys, role_arn, sso_session or credential_process)."
        case let .credentialSourceFailed(source, problem):
            "AWS credentials from \(source) failed: \(problem)"
        case let .incompleteCredentials(source, missing):
            "Incomplete AWS credentials in \(source): \(missing) is missing. Set it, or remove the partial credentials."
        case .missingRegion:
            "No AWS region configured. Set AWS_REGION (or AWS_DEFAULT_REGION), or `region` in the profile's section of ~/.aws/config."
        case let .invalidRegion(source, value):
            "\(source) is not an AWS region name: '\(value)'. Use a region such as eu-west-1 (lower case, no spaces)."
        case let .invalidEndpoint(variable, value):
            "\(variable) is not a usable endpoint URL: '\(value)'. Use a URL such as http://127.0.0.1:5000."
        }
    }
}
