import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Message body AAD and IV construction (data-format/message-body-aad.md).
enum BodyAAD {
    static let frameString = Array("AWSKMSEncryptionClient Frame".utf8)
    static let finalFrameString = Array("AWSKMSEncryptionClient Final Frame".utf8)
    static let singleBlockString = Array("AWSKMSEncryptionClient Single Block".utf8)

    enum Kind { case frame, finalFrame, singleBlock }

    static func aad(messageID: [UInt8], kind: Kind, sequenceNumber: UInt32, contentLength: UInt64) -> [UInt8] {
        let label: [UInt8]
        switch kind {
        case .frame: label = frameString
        case .finalFrame: label = finalFrameString
        case .singleBlock: label = singleBlockString
        }
        var out: [UInt8] = []
        out.reserveCapacity(messageID.count + label.count + 12)
        out.append(contentsOf: messageID)
        out.append(contentsOf: label)
        out.appendBE(sequenceNumber)
        out.appendBE(contentLength)
        return out
    }

    /// The frame IV: the sequence number, big-endian, left-padded with zeros to 12 bytes.
    static func iv(sequenceNumber: UInt32) -> [UInt8] {
        var iv = [UInt8](repeating: 0, count: AlgorithmSuite.ivLength)
        iv[8] = UInt8(truncatingIfNeeded: sequenceNumber >> 24)
        iv[9] = UInt8(truncatingIfNeeded: sequenceNumber >> 16)
        iv[10] = UInt8(truncatingIfNeeded: sequenceNumber >> 8)
        iv[11] = UInt8(truncatingIfNeeded: sequenceNumber)
        return iv
    }

    static func ivMatches(_ iv: ArraySlice<UInt8>, sequenceNumber: UInt32) -> Bool {
        iv.elementsEqual(Self.iv(sequenceNumber: sequenceNumber))
    }
}

/// AES-GCM helpers over array slices.
enum GCM {
    static func open(
        key: SymmetricKey, iv: ArraySlice<UInt8>, ciphertext: ArraySlice<UInt8>,
        tag: ArraySlice<UInt8>, aad: some DataProtocol
    ) throws -> Data {
        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: iv), ciphertext: ciphertext, tag: tag)
        return try AES.GCM.open(box, using: key, authenticating: aad)
    }

    /// Encrypts; returns ciphertext and tag.
    static func seal(key: SymmetricKey, iv: [UInt8], plaintext: some DataProtocol, aad: some DataProtocol) throws
        -> (ciphertext: Data, tag: Data)
    {
        let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: iv), authenticating: aad)
        return (box.ciphertext, box.tag)
    }
}
