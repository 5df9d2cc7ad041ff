import AWSCore
import AWSServices
import LambdaRuntime
import SMSSender

// The CustomSMSSender Lambda (built as `bootstrap`): wiring only.
await Lambda.run { context in
    let settings = try SenderConfiguration(environment: context.environment)
    let aws = try AWSClientConfiguration.fromEnvironment(logger: context.logger)
    return CustomSenderHandler(
        decryptor: KMSCodeDecryptor(kmsKeyArn: settings.kmsKeyArn, kms: try KMSClient(configuration: aws)),
        publisher: SNSCodePublisher(topicArn: settings.topicArn, sns: try SNSClient(configuration: aws)))
}
