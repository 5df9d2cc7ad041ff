import ArgumentParser
import AWSCore
import AWSServices
import EncryptionSDK
import EncryptionSDKKMS
import Foundation
import RedirectClient

/// `smsredirect decrypt`: decrypt an ESDK message, or print its header without a key.
struct Decrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt an AWS Encryption SDK message (base64), or show its header.",
        discussion: """
            The message is read from the argument, from --file, or from stdin. Input that is a JSON \
            object is searched for a "code" or "request.code" field (a Cognito custom sender event).

            Examples:
              smsredirect decrypt --show-header < event.json
              smsredirect decrypt --kms-key-arn arn:aws:kms:eu-west-1:111122223333:key/… --file event.json
            """
    )

    @Argument(help: "The base64 message. Omit to use --file or stdin.")
    var message: String?

    @Option(help: "Read the message from this file.")
    var file: String?

    @Option(name: .customLong("aes-key-file"), help: "Raw AES wrapping key: 16/24/32 raw bytes, or base64 text.")
    var aesKeyFile: String?

    @Option(help: "Raw AES keyring key namespace (the EDK provider ID).")
    var keyNamespace: String?

    @Option(help: "Raw AES keyring key name.")
    var keyName: String?

    @Option(name: .customLong("kms-key-arn"), help: "Decrypt with this AWS KMS key ARN (strict; repeatable).")
    var kmsKeyArns: [String] = []

    @Option(help: "Fail if the header lists more encrypted data keys than this.")
    var maxEncryptedDataKeys: Int?

    @Flag(help: "Print the header (no key needed) instead of decrypting.")
    var showHeader = false

    @Flag(help: "With --show-header: print JSON.")
    var json = false

    func validate() throws {
        if message != nil, file != nil {
            throw ValidationError("give the message either as an argument or with --file, not both")
        }
        if !showHeader {
            let aes = aesKeyFile != nil
            let kms = !kmsKeyArns.isEmpty
            guard aes != kms else { throw ValidationError("give either --aes-key-file or --kms-key-arn (or --show-header)") }
            if aes, keyNamespace == nil || keyName == nil {
                throw ValidationError("--aes-key-file needs --key-namespace and --key-name")
            }
        }
    }

    func run() async throws {
        let text: String
        if let message {
            text = message
        } else if let file {
            text = String(decoding: try InputFiles.read(file, option: "--file"), as: UTF8.self)
        } else {
            text = String(decoding: try InputFiles.readStandardInput(), as: UTF8.self)
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            throw CLIFailure(
                "no message to decrypt: \(message != nil ? "the argument is empty" : file.map { "\($0) is empty" } ?? "stdin was empty"). Give the base64 message (or a Cognito event's JSON) as an argument, with --file, or on stdin."
            )
        }
        let bytes = try CodeMessage.decodeInput(text)

        if showHeader {
            print(try CodeMessage.renderHeader(of: bytes, json: json))
            return
        }
        let client = EncryptionSDKClient(commitmentPolicy: .requireEncryptAllowDecrypt, maxEncryptedDataKeys: maxEncryptedDataKeys)
        let result: DecryptResult
        if let aesKeyFile, let keyNamespace, let keyName {
            let keyring = try RawAESKeyring(
                keyNamespace: keyNamespace, keyName: keyName,
                wrappingKey: try CodeMessage.aesKey(
                    from: InputFiles.read(aesKeyFile, option: "--aes-key-file", limit: 4096, holds: "an AES key (32 bytes, or their base64)")))
            result = try await client.decrypt(bytes, keyring: keyring)
        } else {
            result = try await CodeMessage.decryptWithKMS(
                bytes, keyArns: kmsKeyArns, client: try CodeMessage.makeKMSClient(),
                sdk: client)
        }
        // The user explicitly asked for the plaintext: this is the one place it is printed.
        FileHandle.standardOutput.write(result.plaintext)
        if !result.plaintext.isEmpty, result.plaintext.last != UInt8(ascii: "\n"), isatty(STDOUT_FILENO) == 1 {
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }
}
