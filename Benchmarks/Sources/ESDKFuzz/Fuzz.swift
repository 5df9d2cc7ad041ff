// libFuzzer target for the ESDK message parser and decryptor (see esdk.mk, `make fuzz`).
//
// Built with `-sanitize=fuzzer -DESDK_FUZZING`, libFuzzer supplies `main` and calls
// `LLVMFuzzerTestOneInput`. In an ordinary `swift build` the same entry point is driven by a
// small replay `main` that runs every file given on the command line once (crash reproduction).
import EncryptionSDK
import Foundation

/// The public test keys of the shared vectors (aes-128/192/256 of `aws-raw-vectors-persistant`),
/// so the seed corpus decrypts all the way and mutations reach the body and the signature.
let fuzzKeyring: MultiKeyring = {
    let materials = [
        "aes-128": "AAECAwQFBgcICRAREhMUFQ==", "aes-192": "AAECAwQFBgcICRAREhMUFRYXGBkgISIj",
        "aes-256": "AAECAwQFBgcICRAREhMUFRYXGBkgISIjJCUmJygpMDE=",
    ]
    let keyrings: [any Keyring] = materials.sorted { $0.key < $1.key }.map { name, b64 in
        try! RawAESKeyring(keyNamespace: "aws-raw-vectors-persistant", keyName: name, wrappingKey: Data(base64Encoded: b64)!)
    }
    return MultiKeyring(generator: nil, children: keyrings)
}()

/// Runs one input through header parsing and a full decrypt. Any thrown ESDKError is a clean
/// rejection; a crash, trap or sanitizer report is a finding.
func fuzzOne(_ bytes: [UInt8]) {
    if let header = try? MessageHeader.parse(bytes, maxEncryptedDataKeys: 8) {
        _ = HeaderSummary(header).renderText()
    }
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        _ = try? await EncryptionSDKClient(maxEncryptedDataKeys: 8).decrypt(bytes, keyring: fuzzKeyring)
        done.signal()
    }
    done.wait()
}

/// libFuzzer's per-input callback: runs `size` bytes at `data` through ``fuzzOne(_:)``; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if ESDK_FUZZING
    // SwiftPM links executables with `main` renamed to `ESDKFuzz_main`, which would hide
    // libFuzzer's own `main`; so this entry point hands control to libFuzzer's driver.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The executable's `main` in a fuzzing build: passes the command line to libFuzzer's driver and
    /// returns its exit status.
    @_cdecl("ESDKFuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var vector = argv
        return LLVMFuzzerRunDriver(&count, &vector) { data, size in
            fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }
#else
    @main
    struct ReplayMain {
        static func main() throws {
            let files = CommandLine.arguments.dropFirst()
            for path in files { fuzzOne([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) }
            print("ESDKFuzz replay: \(files.count) inputs ran clean (build with `make fuzz` for libFuzzer)")
        }
    }
#endif
