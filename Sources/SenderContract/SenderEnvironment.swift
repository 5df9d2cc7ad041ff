/// The environment variables the sender reads, as both templates set them: the one spelling for the
/// sender itself, the helper's key check, doctor, the CLI's local sender and the benchmarks.
///
/// A module of its own, with no dependencies, because the helper (which must not link the
/// Encryption SDK) and the sender (which must not link the pool model) both need the names.
public enum SenderEnvironment {
    /// `KMS_KEY_ARN`: the key Cognito encrypts codes with, the pool's `LambdaConfig.KMSKeyID`.
    public static let kmsKeyArn = "KMS_KEY_ARN"
    /// `SNS_TOPIC_ARN`: the topic each code is published to (email, and the inbox queue).
    public static let snsTopicArn = "SNS_TOPIC_ARN"
    /// The variables without which the sender refuses to start.
    public static let required = [kmsKeyArn, snsTopicArn]
    /// `REDIRECT_ONLY`: the E.164 prefixes whose codes are redirected, comma-separated (`+1555`);
    /// other numbers get a real SMS. Unset or empty: every number is redirected.
    public static let redirectOnly = "REDIRECT_ONLY"
}
