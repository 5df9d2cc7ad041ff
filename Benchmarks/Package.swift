// swift-tools-version:6.0
import PackageDescription

// The benchmarks and the fuzzer: not part of the product, so not in its package. `make bench-esdk`,
// `make bench-sender` and `make fuzz` build them from here (release builds, in Benchmarks/.build).
let package = Package(
    name: "CognitoSMSRedirectBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "CognitoSMSRedirect", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // `make bench-esdk`: decrypt against the primitives' floor and the Python Encryption SDK.
        .executableTarget(
            name: "ESDKBench",
            dependencies: [
                .product(name: "EncryptionSDK", package: "CognitoSMSRedirect"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // `make fuzz` builds this with -sanitize=fuzzer; a plain build replays files given as arguments.
        .executableTarget(name: "ESDKFuzz", dependencies: [.product(name: "EncryptionSDK", package: "CognitoSMSRedirect")]),
        // `make bench-sender`: the shipped sender against the sample's Python sender.
        .executableTarget(
            name: "SenderBench",
            dependencies: [
                .product(name: "LambdaRuntime", package: "CognitoSMSRedirect"),
                .product(name: "LambdaLocal", package: "CognitoSMSRedirect"),
                .product(name: "SMSSender", package: "CognitoSMSRedirect"),
                .product(name: "SenderContract", package: "CognitoSMSRedirect"),
                .product(name: "RedirectClient", package: "CognitoSMSRedirect"),
                .product(name: "AWSServices", package: "CognitoSMSRedirect"),
                .product(name: "AWSCore", package: "CognitoSMSRedirect"),
                .product(name: "EncryptionSDK", package: "CognitoSMSRedirect"),
                .product(name: "EncryptionSDKKMS", package: "CognitoSMSRedirect"),
            ]),
    ]
)
