import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS KMS (awsJson 1.1): keys, and the data-key operations the Encryption SDK needs.
/// Every operation that takes an encryption context sends it as given: KMS binds it to the ciphertext.
public struct KMSClient: Sendable {
    /// KMS on the wire: awsJson 1.1 with target prefix `TrentService`, signed as `kms`.
    public static let service = ServiceDescriptor(
        serviceId: "KMS", signingName: "kms", endpointPrefix: "kms",
        wireProtocol: .awsJSON(version: "1.1", targetPrefix: "TrentService"))

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_KMS` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// The parts of KMS's `KeyMetadata` this project reads.
    public struct KeyMetadata: Sendable, Equatable {
        /// `KeyId`: the key's id (a UUID, not an alias).
        public var keyId: String
        /// `Arn`: the key's full ARN.
        public var arn: String
        /// `KeyState`, e.g. `Enabled` or `PendingDeletion`; nil when KMS leaves it out.
        public var keyState: String?
        /// `Description`, as set at creation; nil when absent.
        public var description: String?
        /// `KeySpec`, e.g. `SYMMETRIC_DEFAULT`; nil when KMS leaves it out.
        public var keySpec: String? = nil
        /// `KeyUsage`, e.g. `ENCRYPT_DECRYPT`; nil when KMS leaves it out.
        public var keyUsage: String? = nil
        /// `Enabled`: false for a disabled key, or one pending deletion or import.
        public var enabled: Bool? = nil
    }

    /// Encrypt's answer.
    public struct EncryptOutput: Sendable, Equatable {
        /// `CiphertextBlob`: the encrypted bytes, decoded from base64.
        public var ciphertextBlob: Data
        /// The ARN of the key that encrypted.
        public var keyId: String
    }

    /// Plaintext key material: never log it.
    public struct DecryptOutput: Sendable, Equatable {
        /// `Plaintext`: the decrypted bytes.
        public var plaintext: Data
        /// `KeyId`: the ARN of the key that decrypted.
        public var keyId: String
    }

    /// GenerateDataKey's answer: one data key in two forms. Never log the plaintext.
    public struct DataKey: Sendable, Equatable {
        /// `Plaintext`: the key itself, to encrypt with and then discard.
        public var plaintext: Data
        /// `CiphertextBlob`: the same key encrypted under the KMS key, to store with the data.
        public var ciphertextBlob: Data
        /// `KeyId`: the ARN of the KMS key that encrypted the data key.
        public var keyId: String
    }

    /// CreateKey: a symmetric encryption key by default; `tags` are sent sorted by key.
    public func createKey(
        description: String? = nil, keyUsage: String = "ENCRYPT_DECRYPT", keySpec: String = "SYMMETRIC_DEFAULT",
        policy: String? = nil, tags: [String: String] = [:]
    ) async throws -> KeyMetadata {
        var input: JSONValue = ["KeyUsage": .string(keyUsage), "KeySpec": .string(keySpec)]
        if let description { input["Description"] = .string(description) }
        if let policy { input["Policy"] = .string(policy) }
        if !tags.isEmpty {
            input["Tags"] = .array(tags.sorted { $0.key < $1.key }.map { ["TagKey": .string($0.key), "TagValue": .string($0.value)] })
        }
        let output = try await client.json("CreateKey", input)
        return try client.decoding("CreateKey") { try Self.keyMetadata(output["KeyMetadata"]) }
    }

    /// DescribeKey; `keyId` may be a key id, key ARN, alias name or alias ARN.
    public func describeKey(keyId: String) async throws -> KeyMetadata {
        let output = try await client.json("DescribeKey", ["KeyId": .string(keyId)])
        return try client.decoding("DescribeKey") { try Self.keyMetadata(output["KeyMetadata"]) }
    }

    /// Encrypt: at most 4 KiB of `plaintext` under the KMS key itself; an empty context is not sent.
    public func encrypt(keyId: String, plaintext: Data, encryptionContext: [String: String] = [:]) async throws -> EncryptOutput {
        var input: JSONValue = ["KeyId": .string(keyId), "Plaintext": .string(plaintext.base64EncodedString())]
        if !encryptionContext.isEmpty { input["EncryptionContext"] = encryptionContext.jsonValue }
        let output = try await client.json("Encrypt", input)
        return try client.decoding("Encrypt") {
            EncryptOutput(ciphertextBlob: try output["CiphertextBlob"].requiredBlob("CiphertextBlob"), keyId: try output["KeyId"].requiredString("KeyId"))
        }
    }

    /// Decrypt. Pass `keyId` to make KMS refuse a ciphertext of any other key (the strict keyring does).
    public func decrypt(ciphertextBlob: Data, keyId: String? = nil, encryptionContext: [String: String] = [:]) async throws -> DecryptOutput {
        var input: JSONValue = ["CiphertextBlob": .string(ciphertextBlob.base64EncodedString())]
        if let keyId { input["KeyId"] = .string(keyId) }
        if !encryptionContext.isEmpty { input["EncryptionContext"] = encryptionContext.jsonValue }
        let output = try await client.json("Decrypt", input)
        return try client.decoding("Decrypt") {
            DecryptOutput(plaintext: try output["Plaintext"].requiredBlob("Plaintext"), keyId: try output["KeyId"].requiredString("KeyId"))
        }
    }

    /// GenerateDataKey: a fresh `numberOfBytes`-byte data key, in plaintext and encrypted under `keyId`.
    public func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String] = [:]) async throws -> DataKey {
        var input: JSONValue = ["KeyId": .string(keyId), "NumberOfBytes": .integer(Int64(numberOfBytes))]
        if !encryptionContext.isEmpty { input["EncryptionContext"] = encryptionContext.jsonValue }
        let output = try await client.json("GenerateDataKey", input)
        return try client.decoding("GenerateDataKey") {
            DataKey(
                plaintext: try output["Plaintext"].requiredBlob("Plaintext"), ciphertextBlob: try output["CiphertextBlob"].requiredBlob("CiphertextBlob"),
                keyId: try output["KeyId"].requiredString("KeyId"))
        }
    }

    /// GetKeyPolicy: the key policy (KMS keys have one, named `default`), parsed.
    public func getKeyPolicy(keyId: String) async throws -> JSONValue {
        let output = try await client.json("GetKeyPolicy", ["KeyId": .string(keyId), "PolicyName": "default"])
        return try client.decoding("GetKeyPolicy") { try JSONValue(data: Data(try output["Policy"].requiredString("Policy").utf8)) }
    }

    /// PutKeyPolicy: replaces the key's `default` policy with `policy`.
    public func putKeyPolicy(keyId: String, policy: JSONValue) async throws {
        _ = try await client.json("PutKeyPolicy", ["KeyId": .string(keyId), "PolicyName": "default", "Policy": .string(policy.jsonString)])
    }

    /// DisableKey: the key can no longer encrypt or decrypt until it is enabled again.
    public func disableKey(keyId: String) async throws {
        _ = try await client.json("DisableKey", ["KeyId": .string(keyId)])
    }

    static func keyMetadata(_ document: JSONValue?) throws -> KeyMetadata {
        KeyMetadata(
            keyId: try document["KeyId"].requiredString("KeyMetadata.KeyId"), arn: try document["Arn"].requiredString("KeyMetadata.Arn"),
            keyState: document["KeyState"]?.stringValue, description: document["Description"]?.stringValue,
            keySpec: document["KeySpec"]?.stringValue, keyUsage: document["KeyUsage"]?.stringValue, enabled: document["Enabled"]?.boolValue)
    }
}
