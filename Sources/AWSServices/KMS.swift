import AWSCore
import Foundation

/// AWS KMS (awsJson 1.1): keys, and the data-key operations the Encryption SDK needs.
/// Every operation that takes an encryption context sends it as given: KMS binds it to the ciphertext.
public struct KMSClient: Sendable {
    public static let service = ServiceDescriptor(
        serviceId: "KMS", signingName: "kms", endpointPrefix: "kms",
        wireProtocol: .awsJSON(version: "1.1", targetPrefix: "TrentService"))

    public let client: AWSServiceClient

    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    public struct KeyMetadata: Sendable, Equatable {
        public var keyId: String
        public var arn: String
        public var keyState: String?
        public var description: String?
    }

    public struct EncryptOutput: Sendable, Equatable {
        public var ciphertextBlob: Data
        /// The ARN of the key that encrypted.
        public var keyId: String
    }

    /// Plaintext key material: never log it.
    public struct DecryptOutput: Sendable, Equatable {
        public var plaintext: Data
        public var keyId: String
    }

    public struct DataKey: Sendable, Equatable {
        public var plaintext: Data
        public var ciphertextBlob: Data
        public var keyId: String
    }

    public func createKey(description: String? = nil, keyUsage: String = "ENCRYPT_DECRYPT", keySpec: String = "SYMMETRIC_DEFAULT",
                          policy: String? = nil, tags: [String: String] = [:]) async throws -> KeyMetadata {
        var input: JSONValue = ["KeyUsage": .string(keyUsage), "KeySpec": .string(keySpec)]
        if let description { input["Description"] = .string(description) }
        if let policy { input["Policy"] = .string(policy) }
        if !tags.isEmpty {
            input["Tags"] = .array(tags.sorted { $0.key < $1.key }.map { ["TagKey": .string($0.key), "TagValue": .string($0.value)] })
        }
        let output = try await client.json("CreateKey", input)
        return try client.decoding("CreateKey") { try Self.keyMetadata(output["KeyMetadata"]) }
    }

    public func describeKey(keyId: String) async throws -> KeyMetadata {
        let output = try await client.json("DescribeKey", ["KeyId": .string(keyId)])
        return try client.decoding("DescribeKey") { try Self.keyMetadata(output["KeyMetadata"]) }
    }

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

    public func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String] = [:]) async throws -> DataKey {
        var input: JSONValue = ["KeyId": .string(keyId), "NumberOfBytes": .integer(Int64(numberOfBytes))]
        if !encryptionContext.isEmpty { input["EncryptionContext"] = encryptionContext.jsonValue }
        let output = try await client.json("GenerateDataKey", input)
        return try client.decoding("GenerateDataKey") {
            DataKey(plaintext: try output["Plaintext"].requiredBlob("Plaintext"), ciphertextBlob: try output["CiphertextBlob"].requiredBlob("CiphertextBlob"),
                    keyId: try output["KeyId"].requiredString("KeyId"))
        }
    }

    static func keyMetadata(_ document: JSONValue?) throws -> KeyMetadata {
        KeyMetadata(keyId: try document["KeyId"].requiredString("KeyMetadata.KeyId"), arn: try document["Arn"].requiredString("KeyMetadata.Arn"),
                    keyState: document["KeyState"]?.stringValue, description: document["Description"]?.stringValue)
    }
}
