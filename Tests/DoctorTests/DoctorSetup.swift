import AWSCore
import AWSServices
import CustomResource
import DemoScenario
import Doctor
import Foundation
import Logging
import PoolConfig
import PoolJournal
import TestSupport

/// The demo's healthy setup on moto, attached (email too) through the attacher with a local
/// journal, and the clients a test breaks it with.
struct DoctorSetup {
    let aws: AWSClientConfiguration
    let stack: DemoStack
    let journalPath: String
    let journal: LocalJournalStore
    let cognito: CognitoIdentityProviderClient, lambda: LambdaClient, kms: KMSClient, sns: SNSClient, sqs: SQSClient, iam: IAMClient

    static func make(redirectEmail: Bool = true) async throws -> DoctorSetup {
        let aws = try Moto.configuration()
        let stack = try await DemoStack.create(aws: aws)
        let journalPath = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-journal-\(UUID().uuidString).sqlite").path
        let journal = LocalJournalStore(path: journalPath)
        let cognito = try CognitoIdentityProviderClient(configuration: aws), lambda = try LambdaClient(configuration: aws)
        let attacher = Attacher(
            cognito: cognito, lambda: lambda, journal: journal, region: aws.region, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        var spec = AttachmentSpec(
            userPoolId: stack.poolId, senderFunctionArn: stack.sender.functionArn, kmsKeyArn: stack.keyArn, layer: .existing(arn: stack.layerVersionArn))
        spec.redirectEmail = redirectEmail
        _ = try await attacher.attach(spec, context: ChangeContext(requestId: UUID().uuidString))
        return DoctorSetup(
            aws: aws, stack: stack, journalPath: journalPath, journal: journal, cognito: cognito, lambda: lambda,
            kms: try KMSClient(configuration: aws), sns: try SNSClient(configuration: aws), sqs: try SQSClient(configuration: aws),
            iam: try IAMClient(configuration: aws))
    }

    /// Doctor's report of the setup as it is now.
    func examine(_ adjust: (inout DoctorTarget) -> Void = { _ in }) async throws -> DoctorReport {
        var target = stack.doctorTarget(journal: journal)
        adjust(&target)
        return await Doctor(cognito: cognito, lambda: lambda, kms: kms, sns: sns, sqs: sqs, iam: iam).examine(target)
    }

    /// Changes the pool outside the tool: an UpdateUserPool that carries everything else over.
    func updatePool(_ change: (inout JSONValue) -> Void) async throws {
        var request = try UpdateUserPoolRequest.carryingOver(try await cognito.describeUserPool(id: stack.poolId))
        change(&request)
        try await cognito.updateUserPool(request)
    }

    func removeJournal() { try? FileManager.default.removeItem(atPath: journalPath) }
}
