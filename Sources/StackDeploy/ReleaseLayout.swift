import AWSCore
import Foundation

/// One of the two templates a release carries.
public enum StackTemplate: String, CaseIterable, Sendable {
    /// Creates a user pool and redirects its SMS.
    case newUserPool = "new-user-pool"
    /// Redirects an existing pool's SMS (`UserPoolId`), restoring it when the stack is deleted.
    case existingUserPool = "existing-user-pool"

    /// The file names in cfn/ and in a release.
    public var yamlFile: String { "\(rawValue).yaml" }
    /// The JSON twin's file name.
    public var jsonFile: String { "\(rawValue).json" }
}

/// Where a release lives: one bucket per region, `<bucketPrefix>-<region>`, each holding the
/// release under `<version>/` (Lambda takes code only from a bucket in the function's region).
public struct ReleaseLayout: Sendable, Equatable {
    /// The project's public bucket prefix, the templates' default `ReleaseBucketPrefix`.
    public static let publicBucketPrefix = "cognito-sms-redirect-releases"
    /// The regions a release is published to unless told otherwise: where Cognito's custom sender
    /// triggers and Lambda's `provided.al2023` both are.
    public static let defaultRegions = [
        "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
        "ap-south-1", "ca-central-1", "sa-east-1",
    ]

    /// The release's version, as `smsredirect --version` prints it.
    public var version: String
    /// The buckets' common prefix.
    public var bucketPrefix: String

    /// A layout for `version` under `bucketPrefix`.
    public init(version: String, bucketPrefix: String = Self.publicBucketPrefix) {
        self.version = version
        self.bucketPrefix = bucketPrefix
    }

    /// The bucket holding the release in `region`.
    public func bucket(in region: String) -> String { "\(bucketPrefix)-\(region)" }

    /// A release file's key in its bucket.
    public func key(_ file: String) -> String { "\(version)/\(file)" }

    /// A release file's public HTTPS URL in `region` (virtual-hosted style, the region's endpoint).
    public func url(_ file: String, region: String) -> String {
        "https://\(bucket(in: region)).s3.\(region).amazonaws.com/\(key(file))"
    }

    /// The console's "Launch Stack" URL for a template in `region`: the create-stack form, filled
    /// with the release's template.
    public func launchStackURL(_ template: StackTemplate, region: String) -> String {
        let templateURL = url(template.yamlFile, region: region)
        let encoded = templateURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? templateURL
        return "https://console.aws.amazon.com/cloudformation/home?region=\(region)#/stacks/create/review?templateURL=\(encoded)&stackName=sms-redirect"
    }

    /// Where the release's templates take each artifact from: `${ReleaseBucketPrefix}-${AWS::Region}`, `<version>/<file>`.
    public func artifactLocation(_ artifact: LambdaArtifact) -> ArtifactLocation {
        ArtifactLocation(bucket: .object(["Fn::Sub": .string("${\(Self.bucketPrefixParameter)}-${AWS::Region}")]), key: key(artifact.fileName))
    }

    /// The parameter a released template names its buckets' prefix by.
    public static let bucketPrefixParameter = "ReleaseBucketPrefix"
}

extension TemplatePackaging {
    /// A template packaged for a release: its code from the release's bucket in the stack's region,
    /// and a `ReleaseBucketPrefix` parameter (default: the layout's prefix) so that a team that
    /// mirrors the release into buckets of its own sets only that.
    public static func packageForRelease(_ template: JSONValue, layout: ReleaseLayout) throws(TemplatePackagingError) -> JSONValue {
        var packaged = try package(template, at: layout.artifactLocation)
        let name = ReleaseLayout.bucketPrefixParameter
        packaged["Parameters"]?[name] = [
            "Type": "String", "Default": .string(layout.bucketPrefix),
            "Description": .string(
                "Where the Lambda code comes from: the buckets <prefix>-<region> holding release \(layout.version). Keep the default unless you mirror the release into buckets of your own."
            ),
            "AllowedPattern": "[a-z0-9][a-z0-9.-]{1,45}",
            "ConstraintDescription": "must be the start of S3 bucket names: lowercase letters, digits, dots and hyphens.",
        ]
        var interface = packaged["Metadata"]?["AWS::CloudFormation::Interface"] ?? [:]
        var groups = interface["ParameterGroups"]?.arrayValue ?? []
        groups.append(["Label": ["default": "Release (advanced)"], "Parameters": [.string(name)]])
        interface["ParameterGroups"] = .array(groups)
        interface["ParameterLabels"]?[name] = ["default": "Release bucket prefix"]
        if interface["ParameterLabels"] == nil { interface["ParameterLabels"] = [name: ["default": "Release bucket prefix"]] }
        packaged["Metadata"]?["AWS::CloudFormation::Interface"] = interface
        return packaged
    }
}
