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
    func refuseKeyTheSenderCannotUse(function: LambdaClient.FunctionConfiguration, region: Region, attachmentId: String) throws(AttachError) {
        if let problem = keyProblem(function: function, region: region) {
            throw AttachError(.keyUnusable(problem), attachmentId: attachmentId)
        }
    }

    /// The first reason the key cannot serve the sender, or nil when it can.
    func keyProblem(function: LambdaClient.FunctionConfiguration, region: Region) -> KeyProblem? {
        guard let key = ARN(kmsKeyArn), key.service == "kms" else { return .notAKeyArn(kmsKeyArn) }
        guard key.region == region.rawValue else { return .otherRegion(key: kmsKeyArn, keyRegion: key.region, poolRegion: region.rawValue) }
        if let sender = ARN(function.functionArn), sender.account != key.account {
            return .otherAccount(key: kmsKeyArn, keyAccount: key.account, sender: function.functionArn, senderAccount: sender.account)
        }
        if let senderKey = function.environment[Self.senderKeyVariable], senderKey != kmsKeyArn {
            return .notTheSendersKey(key: kmsKeyArn, senderKey: senderKey)
        }
        return nil
    }

    /// The sender's environment variable that names the one key it decrypts with.
    static let senderKeyVariable = SenderEnvironment.kmsKeyArn
}
