import AWSCore
import AWSServices
import EncryptionSDKKMS
import LambdaRuntime
import SMSSender

// The CustomSMSSender Lambda (built as `bootstrap`): wiring only. Lambda.main, not an async main: see
// its documentation for why a shipped bootstrap must not end its main thread.
Lambda.main { context in
    let settings = try SenderConfiguration(environment: context.environment)
    let aws = try AWSClientConfiguration.fromEnvironment(logger: context.logger)
    return CustomSenderHandler(
        decryptor: KMSCodeDecryptor(kmsKeyArn: settings.kmsKeyArn, kms: try KMSClient(configuration: aws)),
        publisher: SNSCodePublisher(topicArn: settings.topicArn, sns: try SNSClient(configuration: aws)))
}
