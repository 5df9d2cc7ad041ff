import AWSCore
import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK

/// Paths shared by the tests, found from this file's location (no reliance on the cwd).
enum TestPaths {
    static let packageRoot = BuiltProducts.packageRoot
    static let vectors = BuiltProducts.vectors
    static let esdkVectors = vectors.appendingPathComponent("esdk")
    static let cognitoVectors = vectors.appendingPathComponent("cognito")
    static let scripts = packageRoot.appendingPathComponent("scripts")
}

/// Typed reads of manifest values that keep the all-or-nothing casts they replace.
extension JSONValue {
    /// The strings of an array of strings only (as `as? [String]` read it); nil for anything else.
    var stringArrayValue: [String]? {
        guard let items = arrayValue else { return nil }
        let strings = items.compactMap(\.stringValue)
        return strings.count == items.count ? strings : nil
    }

    /// The members of an object of string members only (as `as? [String: String]` read it); nil for anything else.
    var stringObjectValue: [String: String]? {
        guard let members = objectValue else { return nil }
        let strings = members.compactMapValues(\.stringValue)
        return strings.count == members.count ? strings : nil
    }
}

/// A keys manifest (`keys.json`, version 1 or 3).
struct VectorKeys {
    struct Key {
        let type: String  // symmetric | private | public
        let algorithm: String  // aes | rsa
        let material: String
        let decrypt: Bool
    }
    let keys: [String: Key]

    init(url: URL) throws {
        let json = try JSONValue(data: Data(contentsOf: url))
        var keys: [String: Key] = [:]
        for (name, k) in try #require(json["keys"]?.objectValue, "keys.json has no keys") {
            let material: String
            if let s = k["material"]?.stringValue {
                material = s
            } else {
                let lines = k["material"]?.stringArrayValue ?? []
                material = lines.joined(separator: k["line-separator"]?.stringValue ?? "")
            }
            keys[name] = Key(
                type: try #require(k["type"]?.stringValue), algorithm: try #require(k["algorithm"]?.stringValue),
                material: material, decrypt: k["decrypt"]?.boolValue ?? true)
        }
        self.keys = keys
    }

    /// Builds the keyring a manifest master-key entry describes.
    func keyring(for entry: JSONValue) throws -> any Keyring {
        guard entry["type"]?.stringValue == "raw" else { throw VectorError.unsupported("master key type \(entry["type"]?.jsonString ?? "nil")") }
        let name = try #require(entry["key"]?.stringValue)
        guard let key = keys[name] else { throw VectorError.unsupported("unknown key \(name)") }
        let namespace = try #require(entry["provider-id"]?.stringValue)
        switch entry["encryption-algorithm"]?.stringValue {
        case "aes":
            return try RawAESKeyring(keyNamespace: namespace, keyName: name, wrappingKey: Data(base64Encoded: key.material)!)
        case "rsa":
            let padding: RawRSAKeyring.Padding
            switch (entry["padding-algorithm"]?.stringValue, entry["padding-hash"]?.stringValue) {
            case ("pkcs1", _): padding = .pkcs1V15
            case ("oaep-mgf1", "sha1"): padding = .oaepSHA1
            case ("oaep-mgf1", "sha256"): padding = .oaepSHA256
            case ("oaep-mgf1", "sha384"): padding = .oaepSHA384
            case ("oaep-mgf1", "sha512"): padding = .oaepSHA512
            case let other: throw VectorError.unsupported("RSA padding \(other)")
            }
            if key.type == "private" {
                return try RawRSAKeyring(keyNamespace: namespace, keyName: name, padding: padding, privateKeyPEM: key.material)
            }
            return try RawRSAKeyring(keyNamespace: namespace, keyName: name, padding: padding, publicKeyPEM: key.material)
        default:
            throw VectorError.unsupported("encryption algorithm \(entry["encryption-algorithm"]?.jsonString ?? "nil")")
        }
    }
}

enum VectorError: Error { case unsupported(String) }

func resolve(_ uri: String, relativeTo dir: URL) -> URL {
    dir.appendingPathComponent(String(uri.dropFirst("file://".count)))
}
