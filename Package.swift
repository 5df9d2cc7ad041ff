// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CognitoSMSRedirect",
    platforms: [.macOS(.v14)],
    // The two command-line tools, and the libraries the Benchmarks package (Benchmarks/) uses: no
    // other package uses these modules.
    products: [
        .executable(name: "smsredirect", targets: ["smsredirect"]),
        .executable(name: "smsredirect-release", targets: ["ReleaseTool"]),
        .library(name: "AWSCore", targets: ["AWSCore"]),
        .library(name: "AWSServices", targets: ["AWSServices"]),
        .library(name: "EncryptionSDK", targets: ["EncryptionSDK"]),
        .library(name: "EncryptionSDKKMS", targets: ["EncryptionSDKKMS"]),
        .library(name: "LambdaRuntime", targets: ["LambdaRuntime"]),
        .library(name: "LambdaLocal", targets: ["LambdaLocal"]),
        .library(name: "SenderContract", targets: ["SenderContract"]),
        .library(name: "SMSSender", targets: ["SMSSender"]),
        .library(name: "RedirectClient", targets: ["RedirectClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Tests only: the model-based test of the attacher (random sequences, shrunk on failure).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The product, from the bottom up: each target after everything it depends on.
        // Defines the glibc functions newer than 2.34 that the statically linked runtimes call, so the
        // Lambdas start on provided.al2023 (glibc 2.34).
        .target(name: "GlibcCompat"),
        // The sender function's own `bootstrap` (C): declared so that SwiftPM compiles and checks it,
        // but shipped as `make lambda-zips` builds it with cc (into .build-lambda), because every
        // executable SwiftPM links needs the Swift runtime and the launcher must need nothing but libc.
        .executableTarget(name: "SenderLauncher"),
        // The sender's environment variable names, which the sender, the helper and doctor share.
        .target(name: "SenderContract"),
        // The one way a process is started (credential_process, the local Lambda harness, the
        // tests' runner): posix_spawn and libc alone, since the sender links it.
        .target(name: "ProcessSpawn"),
        .target(
            name: "AWSCore",
            dependencies: [
                "ProcessSpawn",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // IAM's policy language and evaluation logic: what doctor and the IAM contract test both ask.
        .target(name: "IAMPolicy", dependencies: ["AWSCore"]),
        .target(name: "AWSServices", dependencies: ["AWSCore"]),
        .target(name: "PoolConfig", dependencies: ["AWSCore"]),
        .target(name: "PoolJournal", dependencies: ["AWSCore", "AWSServices", .product(name: "GRDB", package: "GRDB.swift")]),
        // The AWS Encryption SDK message format: swift-crypto only, no AWS module.
        .target(
            name: "EncryptionSDK",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The HTTP KMS client as the Encryption SDK's KMS keyring client: the one place that knows both.
        .target(name: "EncryptionSDKKMS", dependencies: ["EncryptionSDK", "AWSServices"]),
        // The Lambda Runtime API client loop the shipped Lambdas link (plain NIO: cold starts).
        .target(
            name: "LambdaRuntime",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Running a Lambda here as the Lambda service would: the loopback Runtime API server, the
        // child process, asynchronous invocation. For the CLI, the benchmarks and the tests; no
        // shipped Lambda links it.
        .target(
            name: "LambdaLocal",
            dependencies: [
                "LambdaRuntime", "ProcessSpawn",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The CustomSMSSender (and CustomEmailSender) event, handler and Cognito's side of it.
        .target(
            name: "SMSSender",
            dependencies: [
                "AWSCore", "AWSServices", "EncryptionSDK", "EncryptionSDKKMS", "LambdaRuntime", "SenderContract",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The client side of the redirect, which no Lambda links: the code inbox reader, per-run
        // inboxes, sender-failure reports, and the Cognito simulator (encrypts and invokes as Cognito does).
        .target(
            name: "RedirectClient",
            dependencies: ["SMSSender", "AWSCore", "AWSServices", "EncryptionSDK", "EncryptionSDKKMS", "LambdaLocal"]
        ),
        // CloudFormation custom resources, and the attach/detach the helper and the CLI share.
        .target(
            name: "CustomResource",
            dependencies: [
                "AWSCore", "AWSServices", "PoolConfig", "PoolJournal", "LambdaRuntime", "SenderContract",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `smsredirect doctor`: reads the redirect end to end and checks each thing a code needs.
        .target(name: "Doctor", dependencies: ["AWSCore", "AWSServices", "IAMPolicy", "PoolConfig", "PoolJournal", "SenderContract"]),
        // Packaging a template (its code from S3, as a release and the engine tests deploy it) and
        // deploying it through CloudFormation, following the stack's events until it settles.
        .target(name: "StackDeploy", dependencies: ["AWSCore", "AWSServices", "PoolJournal", .product(name: "Crypto", package: "swift-crypto")]),
        // `smsredirect demo`'s scenario: the existing-pool template deployed through CloudFormation.
        .target(
            name: "DemoScenario",
            dependencies: ["AWSCore", "AWSServices", "CustomResource", "Doctor", "PoolConfig", "PoolJournal", "RedirectClient", "SMSSender", "StackDeploy"]),
        // The executables: the two Lambdas (each shipped as `bootstrap`), the CLI, the release assembler.
        .executableTarget(name: "sender", dependencies: ["SMSSender", "AWSCore", "AWSServices", "EncryptionSDKKMS", "LambdaRuntime", "GlibcCompat"]),
        .executableTarget(name: "helper", dependencies: ["CustomResource", "LambdaRuntime", "GlibcCompat"]),
        .executableTarget(
            name: "smsredirect",
            dependencies: [
                "AWSCore", "AWSServices", "EncryptionSDK", "EncryptionSDKKMS", "LambdaRuntime", "LambdaLocal", "CustomResource", "PoolConfig", "PoolJournal",
                "SMSSender", "SenderContract", "RedirectClient", "Doctor", "DemoScenario", "StackDeploy",
                // The CLI ships statically linked too (dist/smsredirect-*.tar.gz), for any runner with glibc 2.34.
                "GlibcCompat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `make release`'s assembler (not shipped).
        .executableTarget(
            name: "ReleaseTool", dependencies: ["StackDeploy", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The tests. (The benchmarks and the fuzzer are a package of their own, Benchmarks/.)
        // A tiny Lambda the runtime tests drive end to end: a fixture, so it lives with them.
        .executableTarget(name: "EchoLambda", dependencies: ["LambdaRuntime"], path: "Tests/EchoLambda"),
        // Shared by the test targets: the moto environment, the fault injectors for what moto can't do,
        // and the bare-root Lambda sandbox the shipped zips run in.
        .target(
            name: "TestSupport",
            dependencies: [
                "AWSCore", "AWSServices", "IAMPolicy", "PoolConfig", "LambdaRuntime", "LambdaLocal", "StackDeploy", "ProcessSpawn",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "ProcessSpawnTests", dependencies: ["ProcessSpawn", "TestSupport"]),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "TestSupport"]),
        // The policy engine's own cases, and moto's evaluator on the same cases (scripts/iam_policy_peer.py).
        .testTarget(name: "IAMPolicyTests", dependencies: ["IAMPolicy", "AWSCore", "TestSupport"]),
        .testTarget(name: "AWSServicesTests", dependencies: ["AWSServices", "AWSCore", "TestSupport"]),
        .testTarget(name: "PoolConfigTests", dependencies: ["PoolConfig", "AWSServices", "AWSCore", "TestSupport"]),
        .testTarget(
            name: "EncryptionSDKTests",
            dependencies: [
                "EncryptionSDK", "EncryptionSDKKMS", "RedirectClient", "AWSServices", "AWSCore", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: [
                "LambdaRuntime", "LambdaLocal", "AWSCore", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SMSSenderTests",
            dependencies: [
                "SMSSender", "RedirectClient", "EncryptionSDK", "EncryptionSDKKMS", "LambdaRuntime", "LambdaLocal", "AWSServices", "AWSCore", "TestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        .testTarget(
            name: "CustomResourceTests",
            dependencies: [
                "CustomResource", "PoolConfig", "PoolJournal", "LambdaRuntime", "LambdaLocal", "SMSSender", "RedirectClient", "EncryptionSDKKMS", "AWSServices",
                "AWSCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DoctorTests",
            dependencies: [
                "Doctor", "DemoScenario", "CustomResource", "RedirectClient", "SMSSender", "PoolJournal", "PoolConfig", "AWSServices", "AWSCore", "TestSupport",
            ]),
        .testTarget(name: "PoolJournalTests", dependencies: ["PoolJournal", "AWSServices", "AWSCore", "TestSupport"]),
        // The zips `make package` writes: glibc versions, and the sender run from them with and without its layer.
        .testTarget(
            name: "PackagingTests",
            dependencies: ["SMSSender", "RedirectClient", "EncryptionSDKKMS", "AWSServices", "AWSCore", "LambdaRuntime", "LambdaLocal", "TestSupport"]),
        // The CloudFormation templates in cfn/: JSON twins current, cfn-lint clean, security properties.
        .testTarget(name: "TemplateTests", dependencies: ["AWSCore", "PoolConfig", "StackDeploy", "TestSupport"]),
        // The IAM contract: the calls the built Lambdas make (moto's recording) against both templates' policies.
        .testTarget(
            name: "IAMContractTests",
            dependencies: [
                "CustomResource", "SMSSender", "RedirectClient", "EncryptionSDKKMS", "LambdaRuntime", "LambdaLocal", "IAMPolicy", "AWSServices", "AWSCore",
                "TestSupport",
            ]),
        // The templates through a real CloudFormation engine (ministack, `make test-stack`), from the packaged zips.
        .testTarget(
            name: "StackEngineTests",
            dependencies: [
                "StackDeploy", "DemoScenario", "RedirectClient", "SMSSender", "EncryptionSDKKMS", "PoolConfig", "PoolJournal", "AWSServices", "AWSCore",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
