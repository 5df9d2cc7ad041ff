import AWSCore
import Foundation
import Testing

struct CredentialsTests {
    @Test func environmentCredentialsWithToken() async throws {
        let provider = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET", "AWS_SESSION_TOKEN": "TOKEN",
        ])
        #expect(try await provider.credentials() == AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"))
    }

    @Test func halfSetEnvironmentNamesTheMissingVariable() async throws {
        let provider = EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "AKID"])
        let error = try await #require(throws: AWSConfigurationError.self) { try await provider.credentials() }
        #expect(error == .incompleteCredentials(source: "environment", missing: "AWS_SECRET_ACCESS_KEY"))
    }

    @Test func profileFromSharedFiles() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "credentials",
            """
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = DEFAULTSECRET

            [dev]
            aws_access_key_id = DEVKEY
            aws_secret_access_key = DEVSECRET
            aws_session_token = DEVTOKEN
            """)
        try directory.write(
            "config",
            """
            [default]
            region = eu-west-1
            # a comment
            [profile dev]
            region = ap-southeast-2
            s3 =
              addressing_style = path
            """)
        let environment = [
            "HOME": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": directory.path("credentials"),
            "AWS_CONFIG_FILE": directory.path("config"), "AWS_PROFILE": "dev",
        ]
        #expect(
            try await DefaultCredentialsChain(environment: environment).credentials()
                == AWSCredentials(accessKeyId: "DEVKEY", secretAccessKey: "DEVSECRET", sessionToken: "DEVTOKEN"))
        #expect(try RegionResolver.resolve(environment: environment) == "ap-southeast-2")
        var defaults = environment
        defaults["AWS_PROFILE"] = nil
        #expect(try await DefaultCredentialsChain(environment: defaults).credentials().accessKeyId == "DEFAULTKEY")
        #expect(try RegionResolver.resolve(environment: defaults) == "eu-west-1")
    }

    @Test func environmentWinsOverProfile() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n")
        let environment = [
            "AWS_SHARED_CREDENTIALS_FILE": directory.path("credentials"), "AWS_CONFIG_FILE": directory.path("none"),
            "AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "ENVSECRET",
        ]
        #expect(try await DefaultCredentialsChain(environment: environment).credentials().accessKeyId == "ENVKEY")
    }

    @Test func missingCredentialsSayWhatToSet() async throws {
        let environment = ["HOME": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/c", "AWS_CONFIG_FILE": "/nonexistent/f"]
        let error = try await #require(throws: AWSConfigurationError.self) { try await DefaultCredentialsChain(environment: environment).credentials() }
        #expect(error.description.contains("AWS_ACCESS_KEY_ID"))
        #expect(error.description.contains("AWS_SECRET_ACCESS_KEY"))
        #expect(error.description.contains("AWS_PROFILE"))
    }
}

struct RegionAndEndpointTests {
    static let cognito = ServiceDescriptor(
        serviceId: "Cognito Identity Provider", signingName: "cognito-idp", endpointPrefix: "cognito-idp",
        wireProtocol: .awsJSON(version: "1.1", targetPrefix: "AWSCognitoIdentityProviderService"))

    @Test func regionOrder() throws {
        #expect(try RegionResolver.resolve(environment: ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-west-2"]) == "eu-west-1")
        #expect(try RegionResolver.resolve(environment: ["AWS_DEFAULT_REGION": "us-west-2", "AWS_CONFIG_FILE": "/nonexistent"]) == "us-west-2")
        #expect(throws: AWSConfigurationError.missingRegion) {
            try RegionResolver.resolve(environment: ["HOME": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"])
        }
    }

    @Test func defaultEndpointsPerPartition() throws {
        #expect(
            try ResolvedEndpoint.resolve(service: Self.cognito, region: "eu-west-1", environment: [:]).origin == "https://cognito-idp.eu-west-1.amazonaws.com")
        #expect(
            try ResolvedEndpoint.resolve(service: Self.cognito, region: "cn-north-1", environment: [:]).origin
                == "https://cognito-idp.cn-north-1.amazonaws.com.cn")
        #expect(Region("us-gov-west-1").partition == "aws-us-gov")
        #expect(Region("cn-northwest-1").partition == "aws-cn")
        #expect(Region("eu-west-1").partition == "aws" && Region("eu-west-1").dnsSuffix == "amazonaws.com")
    }

    /// A region a person typed wrong is refused where it was read, naming the setting, instead of
    /// becoming a host name no endpoint answers to.
    @Test(arguments: ["US-EAST-1", "us east 1", "eu-west-1 ", "-eu-west-1", "eu-west-1-", "1eu-west"])
    func aMalformedRegionNamesItsSetting(_ name: String) {
        #expect(throws: AWSConfigurationError.invalidRegion(source: "AWS_REGION", value: name)) {
            try RegionResolver.resolve(environment: ["AWS_REGION": name, "AWS_DEFAULT_REGION": "us-west-2"])
        }
        let error = AWSConfigurationError.invalidRegion(source: "AWS_REGION", value: name)
        #expect(error.description.contains("AWS_REGION") && error.description.contains("eu-west-1"))
    }

    @Test func aRegionFromTheProfileIsCheckedToo() throws {
        let directory = try TemporaryDirectory()
        try directory.write("config", "[default]\nregion = eu_west_1\n")
        let environment = ["HOME": "/nonexistent", "AWS_CONFIG_FILE": directory.path("config")]
        #expect(throws: AWSConfigurationError.invalidRegion(source: "region in \(directory.path("config"))", value: "eu_west_1")) {
            try RegionResolver.resolve(environment: environment)
        }
        try directory.write("config", "[default]\nregion = eu-north-1\n")
        #expect(try RegionResolver.resolve(environment: environment) == "eu-north-1")
    }

    @Test func serviceSpecificVariableBeatsTheGlobalOne() throws {
        #expect(Self.cognito.endpointVariable == "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://localhost:9229/"]
        let endpoint = try ResolvedEndpoint.resolve(service: Self.cognito, region: "us-east-1", environment: environment)
        #expect(endpoint == ResolvedEndpoint(origin: "http://localhost:9229", isCustom: true))
        #expect(
            try ResolvedEndpoint.resolve(service: Self.cognito, region: "us-east-1", environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000"]).host
                == "127.0.0.1:5000")
    }

    @Test func unusableEndpointIsAClearError() {
        #expect(throws: AWSConfigurationError.invalidEndpoint(variable: "AWS_ENDPOINT_URL", value: "localhost:5000")) {
            try ResolvedEndpoint.resolve(service: Self.cognito, region: "us-east-1", environment: ["AWS_ENDPOINT_URL": "localhost:5000"])
        }
    }
}

/// A scratch directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("smsredirect-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) throws { try text.write(toFile: path(name), atomically: true, encoding: .utf8) }
    deinit { try? FileManager.default.removeItem(at: url) }
}
