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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
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
        .testTarget(name: "PoolJournalTests", dependencies: ["PoolJournal", "AWSServices", "AWSCore", "TestSupport"]),
    ]
)
