import AWSCore

/// A zip the templates deploy code from, as `make package` names it in `dist/`.
public enum LambdaArtifact: String, CaseIterable, Sendable, Hashable {
    /// The sender function's code: its launcher `bootstrap`.
    case sender = "sender.zip"
    /// The helper function's code: the custom resource's `bootstrap`.
    case helper = "helper.zip"
    /// The Encryption SDK layer's content: the sender core, under `smsredirect/`.
    case encryptionSDKLayer = "encryption-sdk-layer.zip"

    /// The file name in `dist/`.
    public var fileName: String { rawValue }

    /// How `cfn/*.yaml` names it: the local path that `aws cloudformation package` would upload.
    public var templatePath: String { "../dist/\(rawValue)" }
}

/// Where a packaged template takes an artifact from: an S3 object in the stack's region.
public struct ArtifactLocation: Sendable, Equatable {
    /// `S3Bucket`: a bucket name, or an expression such as `{"Fn::Sub": "${Prefix}-${AWS::Region}"}`
    /// (Lambda takes code only from a bucket in the function's own region).
    public var bucket: JSONValue
    /// `S3Key`: the object's key.
    public var key: String

    /// A location in a bucket named literally.
    public init(bucket: String, key: String) {
        self.init(bucket: .string(bucket), key: key)
    }

    /// A location in a bucket named by a template expression.
    public init(bucket: JSONValue, key: String) {
        self.bucket = bucket
        self.key = key
    }
}

/// A template that cannot be packaged, and what to do about it.
public enum TemplatePackagingError: Error, Equatable, CustomStringConvertible {
    /// The document has no `Resources` object.
    case notATemplate
    /// A function's `Code` or a layer's `Content` is a local path that is none of the artifacts.
    case unknownArtifact(resource: String, path: String)
    /// No resource takes its code from an artifact: not one of this project's templates.
    case noArtifacts

    /// What happened and what to do, in words.
    public var description: String {
        switch self {
        case .notATemplate: "the template has no Resources object: give one of cfn/*.json"
        case let .unknownArtifact(resource, path):
            "\(resource) takes its code from \(path), which is none of \(LambdaArtifact.allCases.map(\.templatePath).joined(separator: ", "))"
        case .noArtifacts: "no function or layer in the template takes its code from \(LambdaArtifact.allCases.map(\.templatePath).joined(separator: ", "))"
        }
    }
}

/// What `aws cloudformation package` does to the templates, done here so that the engine tests,
/// `make demo` and a release package them one way: each function's `Code` and the layer's
/// `Content` that name a `../dist/*.zip` path become that artifact's S3 location. Nothing else in
/// the template changes.
public enum TemplatePackaging {
    /// The template with every artifact path replaced by `location(artifact)`.
    public static func package(_ template: JSONValue, at location: (LambdaArtifact) -> ArtifactLocation) throws(TemplatePackagingError) -> JSONValue {
        guard var resources = template["Resources"]?.objectValue else { throw .notATemplate }
        var packaged = 0
        for (name, resource) in resources {
            let member: String
            switch resource["Type"]?.stringValue {
            case "AWS::Lambda::Function": member = "Code"
            case "AWS::Lambda::LayerVersion": member = "Content"
            default: continue
            }
            guard let path = resource["Properties"]?[member]?.stringValue else { continue }
            guard let artifact = LambdaArtifact.allCases.first(where: { $0.templatePath == path }) else {
                throw .unknownArtifact(resource: name, path: path)
            }
            let target = location(artifact)
            var properties = resource["Properties"]?.objectValue ?? [:]
            properties[member] = ["S3Bucket": target.bucket, "S3Key": .string(target.key)]
            var packagedResource = resource.objectValue ?? [:]
            packagedResource["Properties"] = .object(properties)
            resources[name] = .object(packagedResource)
            packaged += 1
        }
        guard packaged > 0 else { throw .noArtifacts }
        var result = template.objectValue ?? [:]
        result["Resources"] = .object(resources)
        return .object(result)
    }
}
