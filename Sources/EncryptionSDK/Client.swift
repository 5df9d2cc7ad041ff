#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Entry point for encrypting and decrypting ESDK messages (client-apis/client.md).
///
/// ```swift
/// let client = EncryptionSDKClient()   // requireEncryptAllowDecrypt: accepts Cognito's 0x0378
/// let result = try await client.decrypt(message, keyring: kmsKeyring)
/// ```
public struct EncryptionSDKClient: Sendable {
    /// Which suites may be used; see `CommitmentPolicy`.
    public var commitmentPolicy: CommitmentPolicy
    /// Stop parsing and fail when a header lists more EDKs than this; `nil` disables the
    /// limit (the spec's default). Set it when the input is untrusted — Cognito sends 1.
    public var maxEncryptedDataKeys: Int?

    /// A client; the default policy decrypts Cognito's non-committing messages but encrypts only committing suites.
    public init(commitmentPolicy: CommitmentPolicy = .requireEncryptAllowDecrypt, maxEncryptedDataKeys: Int? = nil) {
        self.commitmentPolicy = commitmentPolicy
        self.maxEncryptedDataKeys = maxEncryptedDataKeys
    }
}

/// The outcome of a successful decrypt.
public struct DecryptResult: Sendable {
    /// The authenticated (and, for signed suites, signature-verified) plaintext.
    public let plaintext: Data
    /// The message's header, authenticated with the data key.
    public let header: MessageHeader
    /// The message context plus any reproduced pairs that were only authenticated.
    public let encryptionContext: EncryptionContext
}
