import Crypto
import Foundation

/// A short SHA-256 digest: the same on every run and machine (unlike `Hasher`), for ids.
enum StableDigest {
    static func hex(_ text: String, length: Int) -> String {
        String(SHA256.hash(data: Data(text.utf8)).hexString.prefix(length))
    }
}
