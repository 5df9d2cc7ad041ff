import AWSCore
import Foundation
import PoolConfig
import StackDeploy
import Testing
import TestSupport

/// `make release`'s folder, assembled from the build `make test` packaged (dist/): the templates
/// packaged for the release differ from cfn/ only in where the code comes from, their YAML reads
/// back as their JSON and cfn-lint finds nothing in either, and the checksums and the manifest
/// describe the files.
@Suite(.needsZips, .needsPython("cfnlint")) struct ReleaseTests {
    static func command(_ arguments: [String], in folder: URL = BuiltProducts.packageRoot) async throws -> CommandResult {
        try await CommandRunner.run("/usr/bin/env", ["sh", "-c", "cd \"$0\" && exec \"$@\"", folder.path] + arguments)
    }

    static func assembled() async throws -> (folder: URL, manifest: ReleaseManifest, layout: ReleaseLayout) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("release-\(UUID().uuidString.prefix(8))")
        let version = try #require(
            try String(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("Sources/smsredirect/Release.swift"), encoding: .utf8)
                .firstMatch(of: /version = "([0-9.]+)"/)?.1)
        let layout = ReleaseLayout(version: String(version))
        let manifest = try ReleaseAssembler(layout: layout, commit: "0123456789abcdef", regions: ["us-east-1", "eu-west-1", "ap-southeast-2"])
            .assemble(
                artifacts: BuiltProducts.packageRoot.appendingPathComponent("dist"), templates: BuiltProducts.packageRoot.appendingPathComponent("cfn"),
                into: folder)
        return (folder, manifest, layout)
    }

    @Test func theReleaseFolderHoldsWhatADeployNeedsWithChecksums() async throws {
        let (folder, manifest, layout) = try await Self.assembled()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = Set(
            LambdaArtifact.allCases.map(\.fileName) + StackTemplate.allCases.flatMap { [$0.yamlFile, $0.jsonFile] }
                + [ReleaseAssembler.cliArchiveName(version: layout.version), "LAUNCH.md"])
        #expect(Set(manifest.files.map(\.name)) == expected)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == expected.union(["manifest.json", "SHA256SUMS"]))
        // An outside reader of the checksums: coreutils.
        let check = try await Self.command(["sha256sum", "--check", "--strict", "SHA256SUMS"], in: folder)
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        #expect(check.standardOutput.split(separator: "\n").count == expected.count + 1, "every file but SHA256SUMS is listed")
        for file in manifest.files {
            let size = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file.name).path)[.size] as? Int
            #expect(size == file.size, "\(file.name)")
        }
        let written = try JSONDecoder().decode(ReleaseManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        #expect(written == manifest && written.commit == "0123456789abcdef" && written.regions == ["us-east-1", "eu-west-1", "ap-southeast-2"])

        let launch = try String(contentsOf: folder.appendingPathComponent("LAUNCH.md"), encoding: .utf8)
        for region in manifest.regions {
            for template in StackTemplate.allCases {
                let url = layout.launchStackURL(template, region: region)
                #expect(launch.contains(url), "LAUNCH.md lacks \(template.rawValue) in \(region)")
                #expect(url.hasPrefix("https://console.aws.amazon.com/cloudformation/home?region=\(region)#/stacks/create/review?templateURL=https%3A%2F%2F"))
                #expect(url.contains("\(layout.bucketPrefix)-\(region).s3.\(region).amazonaws.com%2F\(layout.version)%2F\(template.yamlFile)"))
            }
        }
    }

    @Test(arguments: StackTemplate.allCases) func aReleasedTemplateDiffersOnlyInWhereTheCodeComesFrom(_ template: StackTemplate) async throws {
        let (folder, _, layout) = try await Self.assembled()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try JSONValue(data: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("cfn/\(template.jsonFile)")))
        let released = try JSONValue(data: Data(contentsOf: folder.appendingPathComponent(template.jsonFile)))
        let changed = PoolDiff.differences(from: source, to: released, ignoring: []).map(\.path)
        #expect(
            changed == [
                "Metadata.AWS::CloudFormation::Interface.ParameterGroups", "Metadata.AWS::CloudFormation::Interface.ParameterLabels.ReleaseBucketPrefix",
                "Parameters.ReleaseBucketPrefix", "Resources.EncryptionSdkLayer.Properties.Content", "Resources.HelperFunction.Properties.Code",
                "Resources.SenderFunction.Properties.Code",
            ])
        let bucket: JSONValue = ["Fn::Sub": "${ReleaseBucketPrefix}-${AWS::Region}"]
        #expect(released["Resources"]["SenderFunction"]["Properties"]["Code"] == ["S3Bucket": bucket, "S3Key": .string("\(layout.version)/sender.zip")])
        #expect(released["Parameters"]["ReleaseBucketPrefix"]["Default"]?.stringValue == ReleaseLayout.publicBucketPrefix)
        // The groups gained one, for the prefix, and kept the rest as they were.
        let groups = released["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]?.arrayValue ?? []
        #expect(Array(groups.dropLast()) == source["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]?.arrayValue)
        #expect(groups.last?["Parameters"] == ["ReleaseBucketPrefix"])

        // The YAML is the same template: cfn-lint's own decoder reads it back as the JSON.
        let decoded = try await Self.command(
            [
                "python3", "-c",
                "import json, sys; sys.path.insert(0, 'scripts'); from cfn_to_json import plain; from cfnlint.decode import decode; t, m = decode(sys.argv[1]); assert not m, m; print(json.dumps(plain(t)))",
                folder.appendingPathComponent(template.yamlFile).path,
            ])
        #expect(decoded.status == 0, "\(decoded.standardError)")
        #expect(try JSONValue(data: Data(decoded.standardOutput.utf8)) == released, "the YAML reads back as the JSON")
        let lint = try await Self.command([
            "cfn-lint", "--", folder.appendingPathComponent(template.yamlFile).path, folder.appendingPathComponent(template.jsonFile).path,
        ])
        #expect(lint.status == 0, "cfn-lint findings:\n\(lint.standardOutput)\(lint.standardError)")
    }

    /// Keys and values YAML 1.1 would read as something else if written plainly: booleans and null
    /// as keys, a float without a dot, line separators inside a string.
    @Test func theYAMLTwinReadsBackTrickyValuesAsTheyWere() async throws {
        let template: JSONValue = [
            "Mappings": ["Flags": ["on": ["true": "yes", "Null": "~", "n": 1, "~": 2.5e20]]],
            "Resources": ["Queue": ["Type": "AWS::SQS::Queue", "Properties": ["QueueName": "a\u{2028}b\u{85}c\u{2029}d \"quoted\" \\ e: f #g"]]],
            "Outputs": ["Empty": ["Value": ["Fn::Join": ["", []]]], "List": ["Value": ["Fn::Join": [",", ["x", ["Ref": "AWS::Region"], -3, false, 0.5]]]]],
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tricky-\(UUID().uuidString.prefix(8)).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(TemplateYAML.render(template).utf8).write(to: file)
        let decoded = try await Self.command([
            "python3", "-c",
            "import json, sys; sys.path.insert(0, 'scripts'); from cfn_to_json import plain; from cfnlint.decode import decode; t, m = decode(sys.argv[1]); assert not m, m; print(json.dumps(plain(t)))",
            file.path,
        ])
        #expect(decoded.status == 0, "\(decoded.standardError)")
        #expect(try JSONValue(data: Data(decoded.standardOutput.utf8)) == template, "\(TemplateYAML.render(template))")
    }

    /// smsredirect deploy checks the input before any AWS call, by the templates' own rules.
    @Test(.tags(.unit), arguments: StackTemplate.allCases) func deployChecksTheTemplatesRules(_ template: StackTemplate) throws {
        let document = try JSONValue(data: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("cfn/\(template.jsonFile)")))
        #expect(document["Metadata"]["SMSRedirect"]["MaxStackNameLength"]?.intValue == DeployInput.Rules.maxStackNameLength)
        #expect(document["Parameters"]["EmailAddress"]["AllowedPattern"]?.stringValue == DeployInput.Rules.email)
        #expect(document["Parameters"]["WatchSchedule"]["AllowedPattern"]?.stringValue == DeployInput.Rules.watchSchedule)
        #expect(document["Parameters"]["RedirectOnly"]["AllowedPattern"]?.stringValue == DeployInput.Rules.redirectOnly)
        if template == .existingUserPool {
            #expect(document["Parameters"]["UserPoolId"]["AllowedPattern"]?.stringValue == DeployInput.Rules.userPoolId)
            #expect(document["Parameters"]["SMSRoleArn"]["AllowedPattern"]?.stringValue == DeployInput.Rules.smsRoleArn)
        }
        // The console form: every parameter in a group and labelled.
        let interface = document["Metadata"]["AWS::CloudFormation::Interface"]
        let grouped = Set((interface["ParameterGroups"]?.arrayValue ?? []).flatMap { $0["Parameters"]?.arrayValue?.compactMap(\.stringValue) ?? [] })
        let parameters = Set(document["Parameters"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(grouped == parameters)
        #expect(Set(interface["ParameterLabels"]?.objectValue?.keys.map { $0 } ?? []) == parameters)
    }

    @Test(.tags(.unit)) func badDeployInputIsNamedBeforeAnyCall() {
        let input = DeployInput(stackName: "9lives", email: "not-an-address", userPoolId: "eu-west-1_AbC123", smsRoleArn: "role", region: "us-east-1")
        let problems = input.problems.map(\.description)
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("--stack '9lives'") })
        #expect(problems.contains { $0.hasPrefix("--email 'not-an-address'") })
        #expect(problems.contains { $0.contains("set AWS_REGION=eu-west-1") })
        #expect(problems.contains { $0.hasPrefix("--sms-role-arn 'role'") })
        let long = DeployInput(stackName: String(repeating: "a", count: 49), email: "a@b.co", region: "us-east-1")
        #expect(
            long.problems.map(\.description) == [
                "--stack '\(String(repeating: "a", count: 49))' will not do: it has 49 characters; these stacks allow at most 48"
            ])
        #expect(DeployInput(stackName: "ok", email: "a@b.co", region: "us-east-1").problems.isEmpty)
        #expect(DeployInput(stackName: "ok", email: "a@b.co", smsRoleArn: "arn:aws:iam::123456789012:role/x", region: "us-east-1").problems.count == 1)
        let watch = DeployInput(stackName: "ok", email: "a@b.co", keepRedirect: true, watchSchedule: "every hour", region: "us-east-1")
        #expect(
            watch.problems == [
                .invalid(
                    "--watch-schedule", "every hour", rule: "an EventBridge schedule expression such as rate(1 hour), rate(15 minutes) or cron(0 8 * * ? *)")
            ])
        let kept = DeployInput(stackName: "ok", email: "a@b.co", keepRedirect: true, watchSchedule: "rate(15 minutes)", region: "us-east-1")
        #expect(kept.problems.isEmpty && kept.parameters["KeepRedirect"] == "true" && kept.parameters["WatchSchedule"] == "rate(15 minutes)")
        #expect(DeployInput(stackName: "ok", email: "a@b.co", region: "us-east-1").parameters["WatchSchedule"] == nil, "the template's default stays")
        #expect(DeployInput(stackName: "ok", email: "a@b.co", redirectOnly: "+1555, +44770", region: "us-east-1").problems.isEmpty)
        #expect(DeployInput(stackName: "ok", email: "a@b.co", redirectOnly: "1555", region: "us-east-1").problems.count == 1)
        let hostile = DeployInput(stackName: "a\u{1B}[2Jb", email: "a@b.co", region: "us-east-1")
        #expect(hostile.problems.first?.description.contains("\u{1B}") == false, "a terminal escape is not echoed")
    }
}
