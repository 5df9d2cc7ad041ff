import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Key derivation and key commitment (framework/transitive-requirements.md).
enum KeyDerivation {
    static let deriveKeyLabel = Array("DERIVEKEY".utf8)
    static let commitKeyLabel = Array("COMMITKEY".utf8)

    /// Derives the message's AES key and (for committing suites) its commit key.
    static func derive(suite: AlgorithmSuite, dataKey: SymmetricKey, messageID: [UInt8]) throws
        -> (key: SymmetricKey, commitKey: [UInt8]?)
    {
        guard dataKey.byteCount == suite.keyLength else {
            throw ESDKError.invalidDataKeyLength(expected: suite.keyLength, found: dataKey.byteCount)
        }
        let idBytes: [UInt8] = [UInt8(suite.id >> 8), UInt8(suite.id & 0xFF)]
        guard let hash = suite.kdf else { return (dataKey, nil) }
        if suite.isCommitting {
            // Extract once, expand twice (salt = message ID), as the spec recommends.
            let prk = HKDF<SHA512>.extract(inputKeyMaterial: dataKey, salt: messageID)
            let key = HKDF<SHA512>.expand(pseudoRandomKey: prk, info: idBytes + deriveKeyLabel, outputByteCount: suite.keyLength)
            let commit = HKDF<SHA512>.expand(
                pseudoRandomKey: prk, info: commitKeyLabel,
                outputByteCount: AlgorithmSuite.commitKeyLength)
            return (key, commit.bytes)
        }
        // Non-committing HKDF suites: no salt (the HKDF default of HashLen zero bytes), info = suite ID ‖ message ID.
        let info = idBytes + messageID
        let key: SymmetricKey
        switch hash {
        case .sha256: key = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: info, outputByteCount: suite.keyLength)
        case .sha384: key = HKDF<SHA384>.deriveKey(inputKeyMaterial: dataKey, info: info, outputByteCount: suite.keyLength)
        case .sha512: key = HKDF<SHA512>.deriveKey(inputKeyMaterial: dataKey, info: info, outputByteCount: suite.keyLength)
        }
        return (key, nil)
    }

    /// Constant-time equality, for the commit key check.
    static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }
}
