import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// OAEP and PKCS#1 v1.5 encryption padding (RFC 8017 §7.1, §7.2) on top of a raw RSA
/// operation, for the paddings swift-crypto 3.x does not offer (OAEP with SHA-384/512,
/// and v1.5 encryption). The private-key operation stays in BoringSSL (blinded, constant
/// time); only the padding is done here.
enum RSAPadding {
    /// MGF1 (RFC 8017 B.2.1).
    static func mgf1<H: HashFunction>(_ type: H.Type, seed: some Collection<UInt8>, length: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(length + H.Digest.byteCount)
        var counter: UInt32 = 0
        let seedBytes = Array(seed)
        while out.count < length {
            var h = H()
            h.update(data: seedBytes)
            var c: [UInt8] = []
            c.appendBE(counter)
            h.update(data: c)
            out.append(contentsOf: h.finalize())
            counter += 1
        }
        return Array(out.prefix(length))
    }

    static func oaepEncode<H: HashFunction>(_ type: H.Type, message: [UInt8], modulusLength k: Int) throws -> [UInt8] {
        let hLen = H.Digest.byteCount
        guard message.count <= k - 2 * hLen - 2 else {
            throw ESDKError.keyringFailure("data key too long for RSA-OAEP with this key")
        }
        let lHash = Array(H.hash(data: [UInt8]()))
        var db = lHash + [UInt8](repeating: 0, count: k - message.count - 2 * hLen - 2) + [0x01] + message
        var rng = SystemRandomNumberGenerator()
        var seed = (0..<hLen).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let dbMask = mgf1(H.self, seed: seed, length: k - hLen - 1)
        for i in db.indices { db[i] ^= dbMask[i] }
        let seedMask = mgf1(H.self, seed: db, length: hLen)
        for i in seed.indices { seed[i] ^= seedMask[i] }
        return [0x00] + seed + db
    }

    /// Decodes an OAEP block. Every check is folded into one flag so that timing and the
    /// single error do not reveal which check failed.
    static func oaepDecode<H: HashFunction>(_ type: H.Type, encoded em: [UInt8]) throws -> [UInt8] {
        let hLen = H.Digest.byteCount
        let k = em.count
        guard k >= 2 * hLen + 2 else { throw ESDKError.keyringFailure("RSA-OAEP decoding failed") }
        var seed = Array(em[1...hLen])
        var db = Array(em[(hLen + 1)...])
        let seedMask = mgf1(H.self, seed: db, length: hLen)
        for i in seed.indices { seed[i] ^= seedMask[i] }
        let dbMask = mgf1(H.self, seed: seed, length: k - hLen - 1)
        for i in db.indices { db[i] ^= dbMask[i] }
        let lHash = Array(H.hash(data: [UInt8]()))
        var bad: UInt8 = em[0]
        for i in 0..<hLen { bad |= db[i] ^ lHash[i] }
        // Find the 0x01 separator after the zero padding without branching on secret bytes.
        var found: UInt8 = 0
        var index = 0
        var invalidPadding: UInt8 = 0
        for i in hLen..<db.count {
            let b = db[i]
            let isOne: UInt8 = b == 1 ? 1 : 0
            let isZero: UInt8 = b == 0 ? 1 : 0
            let takeThis = isOne & ~found & 1
            index = takeThis == 1 ? i : index
            invalidPadding |= (~found & 1) & (~isZero & 1) & (~isOne & 1)
            found |= isOne
        }
        bad |= invalidPadding | (~found & 1)
        guard bad == 0 else { throw ESDKError.keyringFailure("RSA-OAEP decoding failed") }
        return Array(db[(index + 1)...])
    }

    static func pkcs1Encode(message: [UInt8], modulusLength k: Int) throws -> [UInt8] {
        guard message.count <= k - 11 else { throw ESDKError.keyringFailure("data key too long for RSA PKCS#1 v1.5 with this key") }
        var rng = SystemRandomNumberGenerator()
        let ps = (0..<(k - message.count - 3)).map { _ in UInt8.random(in: 1...255, using: &rng) }
        return [0x00, 0x02] + ps + [0x00] + message
    }

    /// Decodes a PKCS#1 v1.5 encryption block. The data key length is known, so a wrong
    /// length is folded into the same single failure.
    static func pkcs1Decode(encoded em: [UInt8], expectedLength: Int) throws -> [UInt8] {
        let k = em.count
        var bad: UInt8 = em[0] | (em[1] ^ 0x02)
        var found: UInt8 = 0
        var index = 0
        for i in 2..<k {
            let isZero: UInt8 = em[i] == 0 ? 1 : 0
            let first = isZero & ~found & 1
            index = first == 1 ? i : index
            found |= isZero
        }
        bad |= ~found & 1
        bad |= index < 10 ? 1 : 0  // at least 8 bytes of padding
        bad |= (k - index - 1) != expectedLength ? 1 : 0
        guard bad == 0 else { throw ESDKError.keyringFailure("RSA PKCS#1 v1.5 decoding failed") }
        return Array(em[(index + 1)...])
    }
}

/// The RSA public-key operation m^e mod n with Montgomery multiplication (32-bit limbs).
/// It is used only to *wrap* data keys under paddings swift-crypto cannot apply itself.
/// It is not constant time; the exponent is public, but see the report for the caveat.
struct RSAPublicOperation {
    let n: [UInt32]  // little-endian limbs
    let e: [UInt8]  // big-endian exponent bytes
    let modulusLength: Int  // k, in bytes
    private let n0inv: UInt32
    private let r2: [UInt32]

    init(modulus: [UInt8], exponent: [UInt8]) throws {
        let trimmed = Array(modulus.drop { $0 == 0 })
        guard let last = trimmed.last, last & 1 == 1, trimmed.count >= 64 else {
            throw ESDKError.invalidKeyringConfiguration("RSA modulus is not a usable odd number")
        }
        modulusLength = trimmed.count
        n = Self.limbs(trimmed, count: (trimmed.count + 3) / 4)
        e = Array(exponent.drop { $0 == 0 })
        var inv: UInt32 = 1
        for _ in 0..<5 { inv = inv &* (2 &- n[0] &* inv) }
        n0inv = 0 &- inv
        // R^2 mod n by doubling 1 exactly 2·32·s times.
        var x = [UInt32](repeating: 0, count: n.count); x[0] = 1
        for _ in 0..<(64 * n.count) { Self.doubleMod(&x, n) }
        r2 = x
    }

    static func limbs(_ be: [UInt8], count: Int) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: count)
        for (i, byte) in be.reversed().enumerated() { out[i / 4] |= UInt32(byte) << UInt32(8 * (i % 4)) }
        return out
    }

    static func geq(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] { return a[i] > b[i] }
        return true
    }

    static func sub(_ a: inout [UInt32], _ b: [UInt32]) {
        var borrow: Int64 = 0
        for i in a.indices {
            var d = Int64(a[i]) - Int64(b[i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 1 << 32 }
            a[i] = UInt32(d)
        }
    }

    static func doubleMod(_ x: inout [UInt32], _ n: [UInt32]) {
        var carry: UInt32 = 0
        for i in x.indices {
            let v = x[i]
            x[i] = v << 1 | carry
            carry = v >> 31
        }
        if carry == 1 || geq(x, n) { sub(&x, n) }
    }

    func montMul(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        let s = n.count
        var t = [UInt64](repeating: 0, count: s + 2)
        for i in 0..<s {
            var c: UInt64 = 0
            let bi = UInt64(b[i])
            for j in 0..<s {
                let (lo, hi) = Self.mac(t[j], UInt64(a[j]), bi, c)
                t[j] = lo; c = hi
            }
            var sum = t[s] + c
            t[s] = sum & 0xFFFF_FFFF
            t[s + 1] = sum >> 32
            let m = UInt64(UInt32(truncatingIfNeeded: t[0]) &* n0inv)
            var (_, carry) = Self.mac(t[0], m, UInt64(n[0]), 0)
            for j in 1..<s {
                let (lo, hi) = Self.mac(t[j], m, UInt64(n[j]), carry)
                t[j - 1] = lo; carry = hi
            }
            sum = t[s] + carry
            t[s - 1] = sum & 0xFFFF_FFFF
            t[s] = t[s + 1] + (sum >> 32)
        }
        var out = (0..<s).map { UInt32(truncatingIfNeeded: t[$0]) }
        if t[s] != 0 || Self.geq(out, n) { Self.sub(&out, n) }
        return out
    }

    /// t + a·b + c, split into low 32 bits and the carry; cannot overflow UInt64.
    @inline(__always) static func mac(_ t: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> (UInt64, UInt64) {
        let v = a * b + t + c
        return (v & 0xFFFF_FFFF, v >> 32)
    }

    /// Returns m^e mod n as k big-endian bytes; `m` must be shorter than the modulus or start with 0.
    func apply(_ message: [UInt8]) -> [UInt8] {
        let s = n.count
        let m = Self.limbs(Array(message.drop { $0 == 0 }), count: s)
        let mBar = montMul(m, r2)
        var x = mBar
        var started = false
        for byte in e {
            for bit in stride(from: 7, through: 0, by: -1) {
                if started { x = montMul(x, x) }
                if (byte >> UInt8(bit)) & 1 == 1 {
                    x = started ? montMul(x, mBar) : mBar
                    started = true
                }
            }
        }
        var one = [UInt32](repeating: 0, count: s); one[0] = 1
        let result = montMul(x, one)
        var out = [UInt8](repeating: 0, count: modulusLength)
        for i in 0..<modulusLength { out[modulusLength - 1 - i] = UInt8(truncatingIfNeeded: result[i / 4] >> UInt32(8 * (i % 4))) }
        return out
    }
}
