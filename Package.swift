// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CognitoSMSRedirect",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "AWSCore", targets: ["AWSCore"]),
        .library(name: "AWSServices", targets: ["AWSServices"]),
        .library(name: "PoolConfig", targets: ["PoolConfig"]),
        .library(name: "PoolJournal", targets: ["PoolJournal"]),
        .library(name: "EncryptionSDK", targets: ["EncryptionSDK"]),
        .executable(name: "smsredirect", targets: ["smsredirect"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "AWSCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "AWSServices", dependencies: ["AWSCore"]),
        .target(name: "PoolConfig", dependencies: ["AWSCore"]),
        // The AWS Encryption SDK message format; AWSServices only for the KMS keyring's client.
        .target(
            name: "EncryptionSDK",
            dependencies: [
                "AWSServices",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "smsredirect",
            dependencies: [
                "AWSCore", "AWSServices", "EncryptionSDK",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench-esdk` (release build).
        .executableTarget(name: "ESDKBench", dependencies: ["EncryptionSDK", .product(name: "Crypto", package: "swift-crypto")]),
        // `make fuzz` builds this with -sanitize=fuzzer; a plain build replays files given as arguments.
        .executableTarget(name: "ESDKFuzz", dependencies: ["EncryptionSDK"]),
        .target(name: "PoolJournal", dependencies: ["AWSCore", "AWSServices", .product(name: "GRDB", package: "GRDB.swift")]),
        // Shared by the test targets: the moto environment, and the fault injectors for what moto can't do.
        .target(
            name: "TestSupport",
            dependencies: [
                "AWSCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "TestSupport"]),
        .testTarget(name: "AWSServicesTests", dependencies: ["AWSServices", "AWSCore", "TestSupport"]),
        .testTarget(name: "PoolConfigTests", dependencies: ["PoolConfig", "AWSServices", "AWSCore", "TestSupport"]),
        .testTarget(
            name: "EncryptionSDKTests",
            dependencies: [
                "EncryptionSDK", "smsredirect", "AWSServices", "AWSCore", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "PoolJournalTests", dependencies: ["PoolJournal", "AWSServices", "AWSCore", "TestSupport"]),
    ]
)
