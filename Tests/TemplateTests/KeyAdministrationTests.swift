import AWSCore
import Foundation
import Testing
import TestSupport

/// The keys' administration statements name their actions: no wildcard that would let an IAM
/// policy give someone a grant (kms:Create* includes kms:CreateGrant); only the helper, and the
/// deployer of a stack whose pool names the key, may create one, and only for an AWS service (Cognito). The IAM contract (IAMContractTests) checks use.
@Suite(.tags(.unit))
struct KeyAdministrationTests {
    @Test(arguments: Template.names) func administrationListsItsActionsAndGrantsNoGrant(name: String) throws {
        let template = try Template(name)
        let helperRole = try #require(template.helper["Properties"]["Role"])
        for (keyID, key) in template.resources(ofType: "AWS::KMS::Key") {
            for statement in expand(key["Properties"]["KeyPolicy"]["Statement"]) where statement["Effect"] == "Allow" {
                let actions = strings(statement["Action"])
                if statement["Sid"] == "KeyAdministrationByTheAccount" {
                    #expect(!actions.contains { $0.contains("*") }, "\(keyID): a wildcard admin action in \(actions)")
                    #expect(actions.contains("kms:PutKeyPolicy"), "\(keyID): KMS's lockout safety check needs kms:PutKeyPolicy for the account")
                }
                if actions.contains(where: { glob($0, matches: "kms:CreateGrant") }) {
                    // The helper sets KMSKeyID; CloudFormation does too, as the deployer, on the pool it owns.
                    let deployer: JSONValue = ["AWS": ["Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"]]
                    let ownsAPool = !template.resources(ofType: "AWS::Cognito::UserPool").isEmpty
                    #expect(
                        statement["Principal"] == ["AWS": helperRole] || (ownsAPool && statement["Principal"] == deployer),
                        "\(keyID): kms:CreateGrant to \(String(describing: statement["Principal"]))")
                    #expect(actions == ["kms:CreateGrant"], "\(keyID): kms:CreateGrant together with \(actions)")
                    #expect(statement["Condition"]["Bool"]["kms:GrantIsForAWSResource"] == "true", "\(keyID): kms:CreateGrant not limited to AWS services")
                }
            }
        }
        for (owner, _, statement) in template.rolePolicyStatements() where strings(statement["Action"]).contains("kms:CreateGrant") {
            #expect(statement["Condition"]["Bool"]["kms:GrantIsForAWSResource"] == "true", "\(owner): kms:CreateGrant not limited to AWS services")
        }
        #expect(
            !template.allPolicyStatements().contains {
                strings($0.1["Action"]).contains { $0 == "lambda:PublishLayerVersion" || $0 == "lambda:DeleteLayerVersion" }
            },
            "the templates never publish or delete a layer")
    }
}
