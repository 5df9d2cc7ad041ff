import AWSCore
import Foundation
import StackDeploy
import Testing
import TestSupport

/// `scripts/deploy.sh` (what `make deploy` runs) in dry run: the `smsredirect deploy` command it prints
/// must deploy the right template with values that template accepts, in the right region; bad input
/// must fail with exit 2, a message naming the problem and no command; and a dry run must make no
/// AWS call at all. The script runs in an empty environment (`env -i`) whose PATH holds only python3
/// and, where a case says so, a stand-in `aws` that records every call (and answers only
/// `aws configure get region`, a local read of the profile).
@Suite(.needsPython())
struct DeployScriptTests {
    // MARK: Deploys

    struct Deploy: Sendable, CustomTestStringConvertible {
        let name: String
        let template: String
        let environment: [String: String]
        let overrides: [String: String]
        var testDescription: String { name }
    }

    static let deploys: [Deploy] = [
        Deploy(
            name: "a new pool", template: "new-user-pool",
            environment: ["STACK": "sms-redirect", "EMAIL": "dev+sms@example.com"],
            overrides: ["EmailAddress": "dev+sms@example.com"]),
        Deploy(
            name: "an existing pool without an SMS role", template: "existing-user-pool",
            environment: ["STACK": "sms-redirect", "EMAIL": "dev@example.com", "USER_POOL_ID": "eu-west-1_AbC123xyz"],
            overrides: ["EmailAddress": "dev@example.com", "UserPoolId": "eu-west-1_AbC123xyz"]),
        Deploy(
            name: "an existing pool with its SMS role", template: "existing-user-pool",
            environment: [
                "STACK": "Redirect-2", "EMAIL": "dev@example.com", "USER_POOL_ID": "eu-west-1_AbC123xyz",
                "SMS_ROLE_ARN": "arn:aws:iam::123456789012:role/service-role/my-pool-sms",
            ],
            overrides: [
                "EmailAddress": "dev@example.com", "UserPoolId": "eu-west-1_AbC123xyz",
                "SMSRoleArn": "arn:aws:iam::123456789012:role/service-role/my-pool-sms",
            ]),
    ]

    /// The deploy's flags, by the template parameter each sets.
    static let flagsByParameter = ["EmailAddress": "--email", "UserPoolId": "--user-pool-id", "SMSRoleArn": "--sms-role-arn"]

    @Test(arguments: deploys) func theDryRunDeploysTheTemplateWithParametersItAccepts(deploy: Deploy) async throws {
        let result = try await DeployScript.run(deploy.environment.merging(["DRY_RUN": "1", "AWS_REGION": "eu-west-1"]) { $1 })
        try #require(result.status == 0, "deploy.sh failed: \(result.output)")
        #expect(result.awsCalls.isEmpty, "a dry run called aws: \(result.awsCalls)")
        let template = try Template(deploy.template)
        let commands = result.commands
        try #require(commands.count == 1, "the commands: \(result.stdout)")
        let command = commands[0]
        // The release build's static CLI, told the region the input was checked for.
        #expect(Array(command.words.prefix(4)) == ["env", "AWS_REGION=eu-west-1", ".build-lambda/release/smsredirect", "deploy"], "\(command.line)")
        #expect(command.values("--stack") == [deploy.environment["STACK"]!])
        let templatePath = "cfn/\(deploy.template).json"
        #expect(command.values("--template") == [templatePath])
        #expect(FileManager.default.fileExists(atPath: BuiltProducts.packageRoot.appendingPathComponent(templatePath).path))
        #expect(command.values("--artifacts") == ["dist"])
        #expect(command.values("--artifact-bucket").isEmpty, "smsredirect names the default bucket itself")

        var given: [String: String] = [:]
        for (parameter, flag) in Self.flagsByParameter {
            let values = command.values(flag)
            #expect(values.count <= 1, "\(flag) given twice")
            if let value = values.first { given[parameter] = value }
        }
        #expect(given == deploy.overrides)
        let parameters = template.document["Parameters"]?.objectValue ?? [:]
        for (key, value) in given {
            let parameter = try #require(parameters[key], "\(key): not a parameter of \(deploy.template)")
            if parameter["AllowedPattern"] != nil {
                #expect(try fullMatch(parameter["AllowedPattern"], value), "\(key)=\(value) does not match the template's AllowedPattern")
            }
        }
        for (key, parameter) in parameters where parameter["Default"] == nil {
            #expect(given[key] != nil, "\(deploy.template)'s \(key) has no Default and is not given")
        }
        #expect(Set(StackDeployer.capabilities) == requiredCapabilities(template), "smsredirect deploy acknowledges what the template needs")
    }

    /// The capabilities CloudFormation demands of a template: IAM resources, named ones, macros.
    func requiredCapabilities(_ template: Template) -> Set<String> {
        let names = [
            "AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::User": "UserName",
            "AWS::IAM::Group": "GroupName", "AWS::IAM::InstanceProfile": "InstanceProfileName",
        ]
        var capabilities: Set<String> = []
        for (_, resource) in template.resources {
            let type = resource["Type"]?.stringValue ?? ""
            if let name = names[type], resource["Properties"][name] != nil {
                capabilities.insert("CAPABILITY_NAMED_IAM")
            } else if type.hasPrefix("AWS::IAM::") {
                capabilities.insert("CAPABILITY_IAM")
            }
        }
        if capabilities.contains("CAPABILITY_NAMED_IAM") { capabilities.remove("CAPABILITY_IAM") }
        if template.document["Transform"] != nil { capabilities.insert("CAPABILITY_AUTO_EXPAND") }
        return capabilities
    }

    // MARK: Region, bucket, account

    @Test func theRegionComesFromTheEnvironmentBeforeTheProfile() async throws {
        let base = ["DRY_RUN": "1", "STACK": "sms-redirect", "EMAIL": "dev@example.com"]
        let cases: [(environment: [String: String], profile: String?, region: String, asksProfile: Bool)] = [
            (["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"], "ap-south-1", "eu-west-1", false),
            (["AWS_DEFAULT_REGION": "us-east-2"], "ap-south-1", "us-east-2", false),
            ([:], "ap-south-1", "ap-south-1", true),
        ]
        for (environment, profile, region, asksProfile) in cases {
            let result = try await DeployScript.run(base.merging(environment) { $1 }, profileRegion: profile)
            try #require(result.status == 0, "\(environment): \(result.output)")
            #expect(result.awsCalls == (asksProfile ? ["configure get region"] : []), "\(environment): aws was called: \(result.awsCalls)")
            #expect(result.commands.map { Array($0.words.prefix(2)) } == [["env", "AWS_REGION=\(region)"]], "\(environment): \(result.stdout)")
        }
    }

    @Test func theOptionalSettingsBecomeFlags() async throws {
        let base = ["DRY_RUN": "1", "STACK": "sms-redirect", "EMAIL": "dev@example.com", "AWS_REGION": "us-east-1"]
        let given = try await DeployScript.run(base.merging(["ARTIFACT_BUCKET": "my-artifacts", "REDIRECT_EMAIL": "true"]) { $1 })
        try #require(given.status == 0, "\(given.output)")
        #expect(given.commands.first?.values("--artifact-bucket") == ["my-artifacts"])
        #expect(given.commands.first?.words.contains("--redirect-email") == true)
        let cli = try await DeployScript.run(base.merging(["SMSREDIRECT_CLI": "/opt/smsredirect/bin/smsredirect"]) { $1 })
        #expect(cli.commands.first?.words.dropFirst(2).first == "/opt/smsredirect/bin/smsredirect")
    }

    @Test func aDeployNeedsNoAWSCLI() async throws {
        let input = ["STACK": "sms-redirect", "EMAIL": "dev@example.com", "AWS_REGION": "eu-west-1"]
        let dry = try await DeployScript.run(input.merging(["DRY_RUN": "1"]) { $1 }, withAWS: false)
        #expect(dry.status == 0, "a dry run without the AWS CLI failed: \(dry.output)")
        #expect(dry.commands.count == 1)
        // A real run without a build says what to build, not that the AWS CLI is missing.
        let real = try await DeployScript.run(input.merging(["SMSREDIRECT_CLI": "/nonexistent/smsredirect"]) { $1 }, withAWS: false)
        #expect(real.status == 2)
        #expect(real.stderr.contains("/nonexistent/smsredirect is missing: build it first (make package)"), "\(real.output)")
        #expect(!real.output.contains("AWS CLI"), "\(real.output)")
        #expect(real.commands.isEmpty)
    }

    @Test func checkValidatesOnly() async throws {
        let input = ["STACK": "sms-redirect", "EMAIL": "dev@example.com", "AWS_REGION": "eu-west-1"]
        let check = try await DeployScript.run(input, arguments: ["--check"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.commands.isEmpty && check.awsCalls.isEmpty, "\(check.output)")
        let bad = try await DeployScript.run(input.merging(["EMAIL": "nobody"]) { $1 }, arguments: ["--check"])
        #expect(bad.status == 2 && bad.stderr.contains("EMAIL='nobody' is not an email address"), "\(bad.output)")
    }

    /// `make deploy` checks the input before the release build: no `package` prerequisite, the check first.
    @Test func makeDeployChecksBeforeItBuilds() throws {
        let makefile = try String(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        let lines = makefile.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("deploy:") }, "the Makefile has no deploy target")
        #expect(lines[start].trimmingCharacters(in: .whitespaces) == "deploy:", "deploy has prerequisites: \(lines[start])")
        let recipe = lines[(start + 1)...].prefix { $0.hasPrefix("\t") }
        let check = recipe.firstIndex { $0.contains("scripts/deploy.sh --check") }
        let build = recipe.firstIndex { $0.contains("package") }
        let deploy = recipe.lastIndex { $0.trimmingCharacters(in: .whitespaces) == "scripts/deploy.sh" }
        try #require(check != nil && build != nil && deploy != nil, "the recipe: \(Array(recipe))")
        #expect(check! < build! && build! < deploy!, "the recipe: \(Array(recipe))")
    }

    // MARK: Rejections

    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let change: [String: String]
        let message: String
        var dryRun = true
        var testDescription: String { name }
    }

    static let longName = "s" + String(repeating: "x", count: 48)
    static let rejections: [Rejection] = [
        Rejection(name: "no STACK", change: ["STACK": ""], message: "STACK is not set"),
        Rejection(name: "no EMAIL", change: ["EMAIL": ""], message: "EMAIL is not set"),
        Rejection(name: "a bad email", change: ["EMAIL": "not an address"], message: "EMAIL='not an address' is not an email address"),
        Rejection(name: "an email without a domain", change: ["EMAIL": "dev@example"], message: "EMAIL='dev@example' is not an email address"),
        Rejection(name: "a stack name with an underscore", change: ["STACK": "sms_redirect"], message: "the stack name 'sms_redirect' is not valid"),
        Rejection(name: "a stack name starting with a digit", change: ["STACK": "1redirect"], message: "the stack name '1redirect' is not valid"),
        Rejection(name: "a stack name one character too long", change: ["STACK": longName], message: "has 49 characters; these stacks allow at most 48"),
        Rejection(name: "no region", change: ["AWS_REGION": ""], message: "no AWS Region: set AWS_REGION"),
        Rejection(name: "no region, real run", change: ["AWS_REGION": ""], message: "no AWS Region: set AWS_REGION", dryRun: false),
        Rejection(name: "a region that is not one", change: ["AWS_REGION": "Europe"], message: "the region 'Europe'"),
        Rejection(name: "a bad pool id", change: ["USER_POOL_ID": "eu-west-1"], message: "USER_POOL_ID='eu-west-1' is not a user pool id"),
        Rejection(name: "a pool in another region", change: ["USER_POOL_ID": "us-east-2_AbC123"], message: "set AWS_REGION=us-east-2"),
        Rejection(
            name: "a bad SMS role ARN", change: ["USER_POOL_ID": "eu-west-1_AbC123", "SMS_ROLE_ARN": "my-pool-sms"],
            message: "SMS_ROLE_ARN='my-pool-sms' is not an IAM role ARN"),
        Rejection(
            name: "an SMS role without a pool", change: ["SMS_ROLE_ARN": "arn:aws:iam::123456789012:role/sms"],
            message: "SMS_ROLE_ARN is set without USER_POOL_ID"),
        Rejection(name: "a bad bucket name", change: ["ARTIFACT_BUCKET": "My_Bucket"], message: "ARTIFACT_BUCKET='My_Bucket' is not an S3 bucket name"),
        Rejection(name: "a RedirectEmail that is no boolean", change: ["REDIRECT_EMAIL": "yes"], message: "REDIRECT_EMAIL='yes' is neither true nor false"),
    ]

    @Test(arguments: rejections) func badInputExits2NamingTheProblemAndPrintsNoCommand(rejection: Rejection) async throws {
        var environment = ["STACK": "sms-redirect", "EMAIL": "dev@example.com", "AWS_REGION": "eu-west-1"]
        if rejection.dryRun { environment["DRY_RUN"] = "1" }
        environment.merge(rejection.change) { $1 }
        let result = try await DeployScript.run(environment.filter { !$0.value.isEmpty })
        #expect(result.status == 2, "exit \(result.status): \(result.output)")
        #expect(result.stderr.contains("deploy: ") && result.stderr.contains(rejection.message), "stderr: \(result.stderr)")
        #expect(result.commands.isEmpty, "printed a command: \(result.output)")
        // The profile is asked for a region (a local read) only when the environment has none; nothing else.
        #expect(result.awsCalls.allSatisfy { $0 == "configure get region" }, "aws was called: \(result.awsCalls)")
    }
}

// MARK: - Running the script

/// One `+ aws …` line the dry run printed, split as a POSIX shell splits it.
struct PrintedCommand {
    let line: String
    let words: [String]

    /// The words after `option` up to the next `--option`.
    func values(_ option: String) -> [String] {
        guard let index = words.firstIndex(of: option) else { return [] }
        return Array(words[(index + 1)...].prefix { !$0.hasPrefix("--") })
    }
}

struct DeployRun {
    let status: Int32
    let stdout: String
    let stderr: String
    /// The arguments of every call of the stand-in `aws`, one string each.
    let awsCalls: [String]
    var output: String { stdout + stderr }

    var commands: [PrintedCommand] {
        stdout.components(separatedBy: "\n").filter { $0.hasPrefix("+ ") }.map { line in
            PrintedCommand(line: line, words: shellWords(String(line.dropFirst(2))))
        }
    }
}

enum DeployScript {
    /// Runs scripts/deploy.sh with exactly `environment` (plus PATH and HOME): PATH holds python3 and, with
    /// `withAWS`, a stand-in `aws` that logs its arguments, prints `profileRegion` for
    /// `aws configure get region` and fails everything else.
    static func run(_ environment: [String: String], arguments: [String] = [], withAWS: Bool = true, profileRegion: String? = nil) async throws -> DeployRun {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        let tools = root.appendingPathComponent("tools"), stub = root.appendingPathComponent("aws-stub"), home = root.appendingPathComponent("home")
        for directory in [tools, stub, home] { try fm.createDirectory(at: directory, withIntermediateDirectories: true) }
        let python3 = try await python()
        try fm.createSymbolicLink(atPath: tools.appendingPathComponent("python3").path, withDestinationPath: python3)
        let log = root.appendingPathComponent("aws-calls.log")
        try Data().write(to: log)
        let aws = stub.appendingPathComponent("aws")
        try """
        #!/bin/sh
        printf '%s\\n' "$*" >> '\(log.path)'
        if [ "$*" = "configure get region" ] && [ -n '\(profileRegion ?? "")' ]; then echo '\(profileRegion ?? "")'; exit 0; fi
        exit 97
        """.write(to: aws, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: aws.path)

        let path = (withAWS ? [stub.path] : []) + [tools.path]
        var assignments = ["PATH=\(path.joined(separator: ":"))", "HOME=\(home.path)"]
        assignments += environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/deploy.sh").path
        let result = try await CommandRunner.run("/usr/bin/env", ["-i"] + assignments + ["/bin/bash", script] + arguments)
        let calls = try String(contentsOf: log, encoding: .utf8).components(separatedBy: "\n").filter { !$0.isEmpty }
        return DeployRun(status: result.status, stdout: result.standardOutput, stderr: result.standardError, awsCalls: calls)
    }

    /// The interpreter itself (not a pyenv shim, which needs more than PATH=python3 to run).
    static func python() async throws -> String {
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", "import sys; print(sys.executable)"])
        let path = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(result.status == 0 && !path.isEmpty, "python3 is needed: \(result.standardError)")
        return path
    }
}

/// A line split into words as a POSIX shell does, for what the script prints: plain words, '…' quoting,
/// "…" without expansions, and backslash escapes.
func shellWords(_ line: String) -> [String] {
    var words: [String] = [], current = "", inWord = false
    var iterator = line.makeIterator()
    while let character = iterator.next() {
        switch character {
        case " ", "\t":
            if inWord { words.append(current); current = ""; inWord = false }
        case "'":
            inWord = true
            while let next = iterator.next(), next != "'" { current.append(next) }
        case "\"":
            inWord = true
            while let next = iterator.next(), next != "\"" {
                if next == "\\", let escaped = iterator.next() { current.append(escaped) } else { current.append(next) }
            }
        case "\\":
            inWord = true
            if let escaped = iterator.next() { current.append(escaped) }
        default:
            inWord = true
            current.append(character)
        }
    }
    if inWord { words.append(current) }
    return words
}
