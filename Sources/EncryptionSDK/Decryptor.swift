import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension EncryptionSDKClient {
    /// Decrypts a complete message (client-apis/decrypt.md). Nothing is returned unless
    /// every check passed: header auth, commitment, every frame tag, and the signature.
    ///
    /// - Parameters:
    ///   - message: the whole message (not base64).
    ///   - keyring: unwraps one of the message's EDKs.
    ///   - encryptionContext: the reproduced context. Pairs also stored in the message must
    ///     match; pairs missing from it are authenticated as "required" context.
    ///   - unsignedOnly: refuse signed suites right after the header is parsed.
    public func decrypt(
        _ message: Data, keyring: some Keyring, encryptionContext: EncryptionContext = [:],
        unsignedOnly: Bool = false
    ) async throws -> DecryptResult {
        try await decrypt([UInt8](message), keyring: keyring, encryptionContext: encryptionContext, unsignedOnly: unsignedOnly)
    }

    /// Decrypts a complete message given as bytes; see `decrypt(_:keyring:encryptionContext:unsignedOnly:)`.
    public func decrypt(
        _ message: [UInt8], keyring: some Keyring, encryptionContext reproduced: EncryptionContext = [:],
        unsignedOnly: Bool = false
    ) async throws -> DecryptResult {
        let header = try MessageHeader.parse(message, maxEncryptedDataKeys: maxEncryptedDataKeys)
        let suite = header.suite
        if unsignedOnly && suite.isSigned { throw ESDKError.signedMessageRejected(suite: suite.id) }
        guard commitmentPolicy.allowsDecrypt(suite) else {
            throw ESDKError.commitmentPolicyViolation(suite: suite.id, policy: commitmentPolicy)
        }

        let verificationKey = try Self.verificationKey(for: header)
        let (materialsIn, extraAAD) = try Self.decryptionMaterials(for: header, of: message, reproduced: reproduced)
        let materials = try await keyring.onDecrypt(materialsIn, encryptedDataKeys: header.encryptedDataKeys)
        guard let dataKey = materials.plaintextDataKey else { throw ESDKError.noKeyringCouldDecrypt(attempts: []) }

        let (key, commitKey) = try KeyDerivation.derive(suite: suite, dataKey: dataKey, messageID: header.messageID)
        if let commitKey {
            guard let stored = header.suiteData, KeyDerivation.constantTimeEqual(commitKey, stored) else {
                throw ESDKError.commitmentMismatch
            }
        }

        // Header authentication: GCM over an empty plaintext, AAD = header body ‖ extra context.
        let headerIV: ArraySlice<UInt8> = header.headerIV.map { $0[...] } ?? ArraySlice(repeating: 0, count: AlgorithmSuite.ivLength)
        do {
            let aad: ArraySlice<UInt8> =
                extraAAD.isEmpty
                ? message[0..<header.headerBodyLength]
                : (Array(message[0..<header.headerBodyLength]) + extraAAD)[...]
            _ = try GCM.open(key: key, iv: headerIV, ciphertext: [], tag: header.authTag[...], aad: aad)
        } catch {
            throw ESDKError.headerAuthenticationFailed
        }

        var reader = ByteReader(
            message, offset: header.headerLength,
            truncated: { .truncatedBody(field: $0, offset: $1, needed: $2) })
        let plaintext = try Self.decryptBody(header: header, key: key, reader: &reader)

        try Self.verifyFooter(of: message, reader: &reader, with: verificationKey)
        return DecryptResult(plaintext: plaintext, header: header, encryptionContext: materials.encryptionContext)
    }

    /// The default CMM's checks on the signature key, before any keyring is called: a signed
    /// suite's context carries the public key, an unsigned suite's does not.
    static func verificationKey(for header: MessageHeader) throws -> MessageSignature.VerificationKey? {
        let suite = header.suite
        let publicKeyB64 = header.encryptionContext[EncryptionContextCodec.publicKeyKey]
        if let algorithm = suite.signature {
            guard let publicKeyB64 else { throw ESDKError.signingKeyContextMismatch(suite: suite.id, hasPublicKey: false) }
            return try MessageSignature.VerificationKey(algorithm: algorithm, base64: publicKeyB64)
        }
        guard publicKeyB64 == nil else { throw ESDKError.signingKeyContextMismatch(suite: suite.id, hasPublicKey: true) }
        return nil
    }

    /// The keyring's input, and the header authentication's extra AAD: the reproduced context's
    /// keys shared with the stored one must agree; the rest is authenticated-only context.
    static func decryptionMaterials(
        for header: MessageHeader, of message: [UInt8], reproduced: EncryptionContext
    ) throws -> (DecryptionMaterials, extraAAD: [UInt8]) {
        var onlyAuthenticated: EncryptionContext = [:]
        for (key, value) in reproduced {
            if let stored = header.encryptionContext[key] {
                guard stored == value else { throw ESDKError.encryptionContextMismatch(key: key) }
            } else {
                onlyAuthenticated[key] = value
            }
        }
        guard !onlyAuthenticated.isEmpty else {
            // Hot path: the stored context bytes are already its serialization.
            let materials = DecryptionMaterials(
                suite: header.suite, encryptionContext: header.encryptionContext, requiredEncryptionContextKeys: [],
                serializedEncryptionContext: Array(message[header.encryptionContextRange]))
            return (materials, [])
        }
        let full = header.encryptionContext.merging(onlyAuthenticated) { a, _ in a }
        let materials = DecryptionMaterials(
            suite: header.suite, encryptionContext: full, requiredEncryptionContextKeys: Array(onlyAuthenticated.keys),
            serializedEncryptionContext: try EncryptionContextCodec.serialize(full))
        return (materials, try EncryptionContextCodec.serialize(onlyAuthenticated))
    }

    /// After the body: the signature over everything before it (signed suites), then nothing.
    static func verifyFooter(of message: [UInt8], reader: inout ByteReader, with verificationKey: MessageSignature.VerificationKey?) throws {
        if let verificationKey {
            let signedEnd = reader.offset
            let sigLength = Int(try reader.uint16("signature length"))
            let der = try reader.slice(sigLength, "signature")
            guard reader.remaining == 0 else { throw ESDKError.trailingBytes(count: reader.remaining) }
            try verificationKey.verify(der: der, over: message[0..<signedEnd])
        } else {
            guard reader.remaining == 0 else { throw ESDKError.trailingBytes(count: reader.remaining) }
        }
    }

    /// Decrypts the framed or non-framed body that starts at the reader's offset.
    static func decryptBody(header: MessageHeader, key: SymmetricKey, reader r: inout ByteReader) throws -> Data {
        let tagLength = AlgorithmSuite.tagLength
        switch header.contentType {
        case .nonFramed:
            let iv = try r.slice(AlgorithmSuite.ivLength, "IV")
            guard BodyAAD.ivMatches(iv, sequenceNumber: 1) else { throw ESDKError.badIV(sequenceNumber: 1) }
            let length = try r.uint64("encrypted content length")
            guard length <= MessageHeader.maxNonFramedContentLength else {
                throw ESDKError.lengthExceedsLimit(
                    field: "encrypted content", length: length,
                    limit: MessageHeader.maxNonFramedContentLength)
            }
            // Compare against what is present before converting to Int or slicing.
            guard length <= UInt64(r.remaining) else {
                throw ESDKError.truncatedBody(field: "encrypted content", offset: r.offset, needed: Int(length))
            }
            let ct = try r.slice(Int(length), "encrypted content")
            let tag = try r.slice(tagLength, "authentication tag")
            let aad = BodyAAD.aad(messageID: header.messageID, kind: .singleBlock, sequenceNumber: 1, contentLength: length)
            do { return try GCM.open(key: key, iv: iv, ciphertext: ct, tag: tag, aad: aad) } catch {
                throw ESDKError.tagMismatch(sequenceNumber: 1)
            }

        case .framed:
            let frameLength = Int(header.frameLength)
            var plaintext = Data()
            var sequence: UInt32 = 1
            while true {
                let marker = try r.uint32("sequence number")
                let isFinal = marker == 0xFFFF_FFFF
                let found = isFinal ? try r.uint32("final frame sequence number") : marker
                guard found == sequence else { throw ESDKError.badSequenceNumber(expected: sequence, found: found) }
                let iv = try r.slice(AlgorithmSuite.ivLength, "frame IV")
                guard BodyAAD.ivMatches(iv, sequenceNumber: sequence) else { throw ESDKError.badIV(sequenceNumber: sequence) }
                var contentLength = frameLength
                if isFinal {
                    let claimed = try r.uint32("final frame content length")
                    guard claimed <= header.frameLength else {
                        throw ESDKError.lengthExceedsLimit(
                            field: "final frame content", length: UInt64(claimed),
                            limit: UInt64(header.frameLength))
                    }
                    contentLength = Int(claimed)
                }
                let ct = try r.slice(contentLength, isFinal ? "final frame content" : "frame content")
                let tag = try r.slice(tagLength, "frame authentication tag")
                let aad = BodyAAD.aad(
                    messageID: header.messageID, kind: isFinal ? .finalFrame : .frame,
                    sequenceNumber: sequence, contentLength: UInt64(contentLength))
                do {
                    let frame = try GCM.open(key: key, iv: iv, ciphertext: ct, tag: tag, aad: aad)
                    if plaintext.isEmpty && isFinal { plaintext = frame } else { plaintext.append(frame) }
                } catch {
                    throw ESDKError.tagMismatch(sequenceNumber: sequence)
                }
                if isFinal { return plaintext }
                // A regular frame can never carry 0xFFFFFFFF, so the count limit is this check.
                guard sequence < UInt32.max else {
                    throw ESDKError.lengthExceedsLimit(
                        field: "frame count", length: UInt64(sequence) + 1,
                        limit: MessageHeader.maxFrames)
                }
                sequence += 1
            }
        }
    }
}
