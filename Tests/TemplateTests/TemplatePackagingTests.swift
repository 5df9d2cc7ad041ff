import AWSCore
import Foundation
import PoolConfig
import StackDeploy
import Testing
import TestSupport

/// Packaging (what the engine tests, the demo and a release deploy) changes where the code comes
/// from and nothing else.
@Suite(.tags(.unit)) struct TemplatePackagingTests {
    static func template(_ name: String) throws -> JSONValue {
        try JSONValue(data: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("cfn/\(name).json")))
    }

    @Test(arguments: Template.names) func packagingChangesOnlyWhereTheCodeComesFrom(name: String) throws {
        let original = try Self.template(name)
        let bucket: JSONValue = ["Fn::Sub": "${ReleaseBucketPrefix}-${AWS::Region}"]
        let packaged = try TemplatePackaging.package(original) { ArtifactLocation(bucket: bucket, key: "1.2.3/\($0.fileName)") }
        let changed = PoolDiff.differences(from: original, to: packaged, ignoring: [])
        #expect(
            changed.map(\.path) == [
                "Resources.EncryptionSdkLayer.Properties.Content", "Resources.HelperFunction.Properties.Code", "Resources.SenderFunction.Properties.Code",
            ])
        #expect(packaged["Resources"]["SenderFunction"]["Properties"]["Code"] == ["S3Bucket": bucket, "S3Key": "1.2.3/sender.zip"])
        #expect(packaged["Resources"]["HelperFunction"]["Properties"]["Code"] == ["S3Bucket": bucket, "S3Key": "1.2.3/helper.zip"])
        #expect(packaged["Resources"]["EncryptionSdkLayer"]["Properties"]["Content"] == ["S3Bucket": bucket, "S3Key": "1.2.3/encryption-sdk-layer.zip"])
    }

    @Test func aCodePathThatIsNoArtifactIsRefusedNamingTheResource() throws {
        var template = try Self.template("existing-user-pool")
        template["Resources"]?["SenderFunction"]?["Properties"]?["Code"] = "../dist/other.zip"
        #expect(throws: TemplatePackagingError.unknownArtifact(resource: "SenderFunction", path: "../dist/other.zip")) {
            try TemplatePackaging.package(template) { ArtifactLocation(bucket: "b", key: $0.fileName) }
        }
        #expect(throws: TemplatePackagingError.notATemplate) {
            try TemplatePackaging.package(["AWSTemplateFormatVersion": "2010-09-09"]) { _ in .init(bucket: "b", key: "k") }
        }
        #expect(throws: TemplatePackagingError.noArtifacts) { try TemplatePackaging.package(["Resources": [:]]) { _ in .init(bucket: "b", key: "k") } }
    }
}
