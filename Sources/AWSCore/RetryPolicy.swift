/// The AWS SDKs' "standard" retry mode: a few attempts, exponential backoff with full jitter,
/// only for throttling, transient errors, 5xx and transport failures.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry; doubles each retry.
    public var baseDelay: Duration
    /// The cap on any one retry's backoff ceiling.
    public var maxDelay: Duration

    /// Creates a policy; a `maxAttempts` below 1 counts as 1 (no retries).
    public init(maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The standard mode's numbers: 3 attempts, 1 s base, 20 s cap.
    public static let standard = RetryPolicy()
    /// One attempt only.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Full jitter: a uniformly random delay between zero and the capped exponential ceiling.
    /// `retry` counts from 1 for the first retry.
    public func delay(beforeRetry retry: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let ceiling = min(maxDelay, baseDelay * (1 << min(retry - 1, 30)))
        return ceiling * random
    }
}
