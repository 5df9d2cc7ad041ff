import AWSCore
import AWSServices
import EncryptionSDK
import EncryptionSDKKMS
import Foundation

/// Reading and opening a code message as `smsredirect decrypt` does: the input forms Cognito's
/// events and samples come in, the header summary, a raw AES key file, a KMS decrypt.
public enum CodeMessage {
    /// Input that is not a code message, with what was wrong.
    public struct InputError: Error, CustomStringConvertible { public let description: String }

    /// Base64 text (whitespace ignored), or a JSON object with `code` / `request.code`.
    public static func decodeInput(_ raw: String) throws -> [UInt8] {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{") {
            guard let document = try? JSONValue(data: Data(text.utf8)), document.objectValue != nil else {
                throw InputError(description: "input JSON is not an object")
            }
            if let code = document["code"]?.stringValue {
                text = code
            } else if let code = document["request"]?["code"]?.stringValue {
                text = code
            } else {
                throw InputError(description: "input JSON has no \"code\" or \"request.code\" field")
            }
        }
        var compact = String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
        // Published Cognito samples are sometimes cut mid-string: decode the whole base64
        // quanta that are there (a lone trailing character carries no full byte), so the
        // header can still be shown; decryption of such input fails later on its own.
        if !compact.hasSuffix("=") {
            if compact.count % 4 == 1 { compact.removeLast() }
            compact += String(repeating: "=", count: (4 - compact.count % 4) % 4)
        }
        guard let data = Data(base64Encoded: compact) else { throw InputError(description: "input is not valid base64") }
        return [UInt8](data)
    }

    /// The `--show-header` output: parse the header only (the rest may be missing) and format it.
    public static func renderHeader(of message: [UInt8], json: Bool) throws -> String {
        let summary = HeaderSummary(try MessageHeader.parse(message))
        return json ? try summary.renderJSON() : summary.renderText()
    }

    /// Reads a raw AES key: exactly 16, 24 or 32 bytes, or base64 text of such a key.
    public static func readAESKey(path: String) throws -> Data {
        try aesKey(from: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A raw AES key from a key file's bytes: exactly 16, 24 or 32 bytes, or base64 text of such a key.
    public static func aesKey(from data: Data) throws -> Data {
        if [16, 24, 32].contains(data.count) { return data }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = Data(base64Encoded: text), [16, 24, 32].contains(key.count) else {
            throw InputError(description: "AES key file must hold 16, 24 or 32 raw bytes or their base64")
        }
        return key
    }

    /// Decrypts with a strict AWS KMS keyring over the given client.
    public static func decryptWithKMS(
        _ message: [UInt8], keyArns: [String], client: any KMSKeyringClient,
        sdk: EncryptionSDKClient
    ) async throws -> DecryptResult {
        let keyring = try AWSKMSKeyring.strict(keyIds: keyArns, client: client)
        return try await sdk.decrypt(message, keyring: keyring)
    }

    /// KMS with the AWS CLI's configuration (credentials, region, `AWS_ENDPOINT_URL…`).
    public static func makeKMSClient() throws -> any KMSKeyringClient {
        try KMSClient(configuration: AWSClientConfiguration.fromEnvironment())
    }
}
