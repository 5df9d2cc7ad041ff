import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension EncryptionSDKClient {
    /// Encrypts `plaintext` into a complete ESDK message (client-apis/encrypt.md).
    ///
    /// - Parameters:
    ///   - suite: the algorithm suite; must be allowed by `commitmentPolicy`
    ///     (0x0378, Cognito's suite, needs `.forbidEncryptAllowDecrypt`).
    ///   - frameLength: bytes per frame; `0` writes a non-framed body.
    ///   - encryptionContext: must not use the reserved `aws-crypto-` prefix; signed suites add
    ///     `aws-crypto-public-key` themselves.
    /// - Returns: the message bytes.
    public func encrypt(
        _ plaintext: Data, keyring: some Keyring, encryptionContext: EncryptionContext = [:],
        suite: AlgorithmSuite = .aes256GcmHkdfSha512CommitKeyEcdsaP384,
        frameLength: UInt32 = 4096
    ) async throws -> Data {
        try refuseUnencryptable(plaintextLength: plaintext.count, encryptionContext: encryptionContext, suite: suite, frameLength: frameLength)
        let (materials, dataKey, signingKey) = try await encryptionMaterials(keyring: keyring, encryptionContext: encryptionContext, suite: suite)

        var messageID = [UInt8](repeating: 0, count: suite.messageIDLength)
        var rng = SystemRandomNumberGenerator()
        for i in messageID.indices { messageID[i] = rng.next() }
        let (key, commitKey) = try KeyDerivation.derive(suite: suite, dataKey: dataKey, messageID: messageID)

        let contentType: ContentType = frameLength == 0 ? .nonFramed : .framed
        var message = try MessageHeader.serializeBody(
            suite: suite, messageID: messageID, serializedContext: EncryptionContextCodec.serialize(materials.encryptionContext),
            encryptedDataKeys: materials.encryptedDataKeys, contentType: contentType, frameLength: frameLength,
            commitKey: commitKey
        ).bytes
        message.reserveCapacity(message.count + plaintext.count + 128 + plaintext.count / max(Int(frameLength), 1) * 32)

        // Header authentication. v1 stores its (all-zero) IV; v2's IV is implicitly zero.
        let zeroIV = [UInt8](repeating: 0, count: AlgorithmSuite.ivLength)
        let headerTag = try GCM.seal(key: key, iv: zeroIV, plaintext: Data(), aad: message).tag
        if suite.messageFormatVersion == 1 { message.append(contentsOf: zeroIV) }
        message.append(contentsOf: headerTag)

        let bytes = [UInt8](plaintext)
        if contentType == .nonFramed {
            try Self.appendNonFramedBody(bytes, key: key, messageID: messageID, to: &message)
        } else {
            try Self.appendFrames(bytes, frameLength: Int(frameLength), key: key, messageID: messageID, to: &message)
        }

        if let signingKey {
            let der = try signingKey.signDER(message)
            message.appendBE(UInt16(der.count))
            message.append(contentsOf: der)
        }
        return Data(message)
    }

    /// Refuses, before any keyring is called, what the message format or the policy does not allow:
    /// a suite the commitment policy forbids, a reserved context key, a plaintext over the limits.
    private func refuseUnencryptable(plaintextLength: Int, encryptionContext: EncryptionContext, suite: AlgorithmSuite, frameLength: UInt32) throws {
        guard commitmentPolicy.allowsEncrypt(suite) else {
            throw ESDKError.commitmentPolicyViolation(suite: suite.id, policy: commitmentPolicy)
        }
        for key in encryptionContext.keys where key.hasPrefix(EncryptionContextCodec.reservedPrefix) {
            throw ESDKError.reservedEncryptionContextKey(key)
        }
        if frameLength == 0 {
            guard UInt64(plaintextLength) <= MessageHeader.maxNonFramedContentLength else {
                throw ESDKError.plaintextTooLarge(length: plaintextLength, limit: MessageHeader.maxNonFramedContentLength)
            }
        } else {
            let frames = UInt64(plaintextLength) / UInt64(frameLength) + 1
            guard frames <= MessageHeader.maxFrames else {
                throw ESDKError.plaintextTooLarge(length: plaintextLength, limit: MessageHeader.maxFrames * UInt64(frameLength))
            }
        }
    }

    /// The default CMM's part: a fresh signing key for a signed suite, its public half in the
    /// context, then the keyring's materials, checked (a data key of the suite's length, at least
    /// one and at most `maxEncryptedDataKeys` encrypted data keys).
    private func encryptionMaterials(
        keyring: some Keyring, encryptionContext: EncryptionContext, suite: AlgorithmSuite
    ) async throws -> (EncryptionMaterials, dataKey: SymmetricKey, MessageSignature.SigningKey?) {
        var context = encryptionContext
        var signingKey: MessageSignature.SigningKey? = nil
        if let algorithm = suite.signature {
            let key = MessageSignature.SigningKey(algorithm: algorithm)
            context[EncryptionContextCodec.publicKeyKey] = key.publicKeyBase64
            signingKey = key
        }
        let materials = try await keyring.onEncrypt(EncryptionMaterials(suite: suite, encryptionContext: context))
        guard let dataKey = materials.plaintextDataKey else {
            throw ESDKError.invalidKeyringConfiguration("keyring returned no data key")
        }
        guard dataKey.byteCount == suite.keyLength else {
            throw ESDKError.invalidDataKeyLength(expected: suite.keyLength, found: dataKey.byteCount)
        }
        guard !materials.encryptedDataKeys.isEmpty else { throw ESDKError.zeroEncryptedDataKeys }
        if let max = maxEncryptedDataKeys, materials.encryptedDataKeys.count > max {
            throw ESDKError.tooManyEncryptedDataKeys(count: materials.encryptedDataKeys.count, maximum: max)
        }
        return (materials, dataKey, signingKey)
    }

    /// The non-framed body: IV, content length, ciphertext, tag.
    private static func appendNonFramedBody(_ bytes: [UInt8], key: SymmetricKey, messageID: [UInt8], to message: inout [UInt8]) throws {
        let iv = BodyAAD.iv(sequenceNumber: 1)
        let aad = BodyAAD.aad(messageID: messageID, kind: .singleBlock, sequenceNumber: 1, contentLength: UInt64(bytes.count))
        let (ct, tag) = try GCM.seal(key: key, iv: iv, plaintext: bytes, aad: aad)
        message.append(contentsOf: iv)
        message.appendBE(UInt64(bytes.count))
        message.append(contentsOf: ct)
        message.append(contentsOf: tag)
    }

    /// The framed body: full frames while more than a frame remains; the final frame holds the
    /// rest (possibly 0 bytes).
    private static func appendFrames(_ bytes: [UInt8], frameLength fl: Int, key: SymmetricKey, messageID: [UInt8], to message: inout [UInt8]) throws {
        var sequence: UInt32 = 1
        var offset = 0
        while bytes.count - offset >= fl {
            let iv = BodyAAD.iv(sequenceNumber: sequence)
            let aad = BodyAAD.aad(messageID: messageID, kind: .frame, sequenceNumber: sequence, contentLength: UInt64(fl))
            let (ct, tag) = try GCM.seal(key: key, iv: iv, plaintext: bytes[offset..<(offset + fl)], aad: aad)
            message.appendBE(sequence)
            message.append(contentsOf: iv)
            message.append(contentsOf: ct)
            message.append(contentsOf: tag)
            offset += fl
            sequence += 1
        }
        let rest = bytes[offset...]
        let iv = BodyAAD.iv(sequenceNumber: sequence)
        let aad = BodyAAD.aad(messageID: messageID, kind: .finalFrame, sequenceNumber: sequence, contentLength: UInt64(rest.count))
        let (ct, tag) = try GCM.seal(key: key, iv: iv, plaintext: rest, aad: aad)
        message.appendBE(UInt32(0xFFFF_FFFF))
        message.appendBE(sequence)
        message.append(contentsOf: iv)
        message.appendBE(UInt32(rest.count))
        message.append(contentsOf: ct)
        message.append(contentsOf: tag)
    }
}
