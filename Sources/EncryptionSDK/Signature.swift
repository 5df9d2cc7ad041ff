import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// ECDSA over the message (data-format/message-footer.md). The verification key travels in
/// the encryption context as base64 of the compressed curve point.
enum MessageSignature {
    /// A parsed verification key for one message.
    enum VerificationKey {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)

        init(algorithm: SignatureAlgorithm, base64: String) throws {
            guard let point = Data(base64Encoded: base64) else {
                throw ESDKError.invalidPublicKey(reason: "aws-crypto-public-key is not base64")
            }
            do {
                switch algorithm {
                case .ecdsaP256: self = .p256(try P256.Signing.PublicKey(compressedRepresentation: point))
                case .ecdsaP384: self = .p384(try P384.Signing.PublicKey(compressedRepresentation: point))
                }
            } catch {
                throw ESDKError.invalidPublicKey(reason: "not a compressed point on the suite's curve (\(point.count) bytes)")
            }
        }

        /// Verifies a DER signature over `signed` (hashed with the curve's SHA-2).
        func verify(der: ArraySlice<UInt8>, over signed: ArraySlice<UInt8>) throws {
            let ok: Bool
            do {
                switch self {
                case .p256(let k):
                    ok = k.isValidSignature(try P256.Signing.ECDSASignature(derRepresentation: der), for: signed)
                case .p384(let k):
                    ok = k.isValidSignature(try P384.Signing.ECDSASignature(derRepresentation: der), for: signed)
                }
            } catch {
                throw ESDKError.badSignature(reason: "signature is not valid DER")
            }
            guard ok else { throw ESDKError.badSignature(reason: "ECDSA verification failed") }
        }
    }

    /// A fresh per-message signing key.
    enum SigningKey {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)

        init(algorithm: SignatureAlgorithm) {
            switch algorithm {
            case .ecdsaP256: self = .p256(P256.Signing.PrivateKey())
            case .ecdsaP384: self = .p384(P384.Signing.PrivateKey())
            }
        }

        var publicKeyBase64: String {
            switch self {
            case .p256(let k): return k.publicKey.compressedRepresentation.base64EncodedString()
            case .p384(let k): return k.publicKey.compressedRepresentation.base64EncodedString()
            }
        }

        func signDER(_ data: [UInt8]) throws -> [UInt8] {
            switch self {
            case .p256(let k): return Array(try k.signature(for: data).derRepresentation)
            case .p384(let k): return Array(try k.signature(for: data).derRepresentation)
            }
        }
    }
}
