import AWSCore
import AWSServices
import SenderContract

extension AttachmentSpec {
    /// Refuses, before anything is journaled or changed, a key that would make every code fail:
    /// one in another region than the pool (Cognito takes a key of the pool's own region), in
    /// another account than the sender, or other than the sender's own `KMS_KEY_ARN` (the sender
    /// decrypts with that key alone, so each code would end in `Sender.WrongKMSKey` and only
    /// `doctor` would say why). A sender without `KMS_KEY_ARN` is not this project's, and is not
    /// second-guessed.
    func refuseKeyTheSenderCannotUse(function: LambdaClient.FunctionConfiguration, region: Region, attachmentId: String) throws {
        guard let key = ARN(kmsKeyArn), key.service == "kms" else {
            throw ProviderFailure("KmsKeyArn \(kmsKeyArn) is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)", physicalResourceId: attachmentId)
        }
        guard key.region == region.rawValue else {
            throw ProviderFailure(
                "KmsKeyArn \(kmsKeyArn) is in \(key.region), the user pool in \(region): Cognito encrypts codes with a key of the pool's own region; nothing was changed",
                physicalResourceId: attachmentId)
        }
        if let sender = ARN(function.functionArn), sender.account != key.account {
            throw ProviderFailure(
                "KmsKeyArn \(kmsKeyArn) belongs to account \(key.account), the sender \(function.functionArn) to \(sender.account): give a key of the sender's account; nothing was changed",
                physicalResourceId: attachmentId)
        }
        if let senderKey = function.environment[Self.senderKeyVariable], senderKey != kmsKeyArn {
            throw ProviderFailure(
                "KmsKeyArn \(kmsKeyArn) is not the key the sender decrypts with (its \(Self.senderKeyVariable) is \(senderKey)): every code would fail with Sender.WrongKMSKey; give \(senderKey), or change the sender's \(Self.senderKeyVariable) first; nothing was changed",
                physicalResourceId: attachmentId)
        }
    }

    /// The sender's environment variable that names the one key it decrypts with.
    static let senderKeyVariable = SenderEnvironment.kmsKeyArn
}
