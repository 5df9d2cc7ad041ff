// `make bench-sender`: the Swift sender `bootstrap` against a Python sender of the AWS sample's
// shape (aws-encryption-sdk + boto3 under awslambdaric), side by side in one run, through the
// same loopback Runtime API, both decrypting through moto's KMS and publishing to moto's SNS.
//
//   cold start  process start -> first response posted (init + the first invocation), a fresh
//               process and a fresh Runtime API per run, runs alternating which goes first
//   warm        queue -> response of each invocation after the first, served by one process
//   peak RSS    VmHWM of /proc/<pid>/status, read just before the child is stopped
//   moto floor  KMS Decrypt + SNS Publish made from this process: what no sender can go below
//
// A benchmark reports: a missed target does not fail it. Any invocation that does not succeed
// does (exit 1), since timing failures measures nothing.
import AWSCore
import AWSServices
import EncryptionSDK
import EncryptionSDKKMS
import Foundation
import LambdaLocal
import LambdaRuntime
import RedirectClient
import SMSSender
import SenderContract

struct Options {
    var swift: [(label: String, path: String)] = []
    /// Sandboxes laid out from shipped zips (scripts/lambda-root.sh), entered as Lambda enters one:
    /// this build's, and optionally an earlier build's for a before/after in the same run.
    var shippedRoots: [(label: String, root: String)] = []
    /// Other shipped bootstraps (the helper) whose init alone is measured, in their bare roots.
    var initOnlyRoots: [(label: String, root: String)] = []
    var pythonHandlerDir = "bench/python_sender"
    var python: String?
    var runs = 15
    var warmInvocations = 50
    var warmProcesses = 3
    var logDirectory = ".build/bench-sender"

    static let usage = """
        usage: SenderBench [--swift PATH] [--swift-static PATH] [--shipped-root [LABEL=]DIR ...] [--init-only-root [LABEL=]DIR ...]
                           [--python-handler-dir DIR]
                           [--python EXE] [--runs N] [--warm N] [--warm-processes N] [--log-dir DIR]
          --shipped-root [LABEL=]DIR  also run a shipped sender (launcher + the layer's core) in DIR, a bare
                              root laid out by scripts/lambda-root.sh, entered by scripts/enter-lambda-root.sh (needs root);
                              repeat it to compare builds in one run (LABEL defaults to "shipped")
          --init-only-root [LABEL=]DIR  measure only the init (spawn -> first GET next) of the bootstrap in DIR, a
                              bare root like the above (the helper: its one event is not a custom-resource event)
        """

    /// `LABEL=DIR`, or a bare `DIR` under the default label.
    static func labelled(_ text: String, default label: String) throws -> (label: String, root: String) {
        guard let equals = text.firstIndex(of: "="), !text[..<equals].contains("/") else { return (label, text) }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchError("\(flag) needs a value\n\(Self.usage)") }
            return next
        }
        func count(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number > 0 else { throw BenchError("\(flag) expects a positive number, got \(text)") }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--swift": swift.append(("swift", try value(flag)))
            case "--swift-static": swift.append(("swift static", try value(flag)))
            case "--shipped-root": shippedRoots.append(try Self.labelled(try value(flag), default: "shipped"))
            case "--init-only-root": initOnlyRoots.append(try Self.labelled(try value(flag), default: "other"))
            case "--python-handler-dir": pythonHandlerDir = try value(flag)
            case "--python": python = try value(flag)
            case "--runs": runs = try count(flag)
            case "--warm": warmInvocations = try count(flag)
            case "--warm-processes": warmProcesses = try count(flag)
            case "--log-dir": logDirectory = try value(flag)
            case "-h", "--help": say(Self.usage); exit(0)
            default: throw BenchError("unknown argument \(flag)\n\(Self.usage)")
            }
        }
        guard !swift.isEmpty || !shippedRoots.isEmpty else { throw BenchError("--swift or --shipped-root is required\n\(Self.usage)") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One runtime under test.
struct Candidate {
    var label: String
    var configuration: LocalInvoker.Configuration
}

/// Unbuffered, so progress and results interleave in order when piped.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Nearest-rank percentile of sorted samples.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

func median(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The real interpreter behind `python3` (a pyenv shim would add its own start-up to every run).
func resolvePython() throws -> String {
    let process = Process()
    let pipe = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import sys; print(sys.executable)"]
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let path = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0, !path.isEmpty else { throw BenchError("cannot find python3's interpreter") }
    return path
}

/// Every outcome must be a response carrying a messageId; anything else ends the benchmark.
func requireSuccess(_ report: LocalInvoker.Report, expected: Int, candidate: Candidate, log: String) throws {
    guard report.outcomes.count == expected else {
        throw BenchError(
            "\(candidate.label): \(report.outcomes.count) of \(expected) invocations ran; last outcome \(report.outcomes.last.map { "\($0)" } ?? "none"); log: \(log)"
        )
    }
    for (index, outcome) in report.outcomes.enumerated() {
        guard case let .response(body) = outcome else {
            throw BenchError("\(candidate.label): invocation \(index + 1) did not succeed: \(outcome); log: \(log)")
        }
        guard let messageId = (try? JSONValue(data: body))?["messageId"]?.stringValue, !messageId.isEmpty else {
            throw BenchError("\(candidate.label): invocation \(index + 1) answered without a messageId: \(String(decoding: body, as: UTF8.self))")
        }
    }
}

func run() async throws -> Int32 {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    let environment = ProcessInfo.processInfo.environment
    guard let endpoint = environment["AWS_ENDPOINT_URL"] else {
        throw BenchError("AWS_ENDPOINT_URL is not set: run under scripts/with-moto.sh (make bench-sender)")
    }
    let cwd = FileManager.default.currentDirectoryPath
    func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : "\(cwd)/\(path)" }
    try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)

    // The stack the template makes: a KMS key, the topic, an inbox queue subscribed to it.
    let aws = try AWSClientConfiguration.fromEnvironment()
    let kms = try KMSClient(configuration: aws)
    let sns = try SNSClient(configuration: aws)
    let sqs = try SQSClient(configuration: aws)
    let suffix = UUID().uuidString.prefix(8).lowercased()
    let key = try await kms.createKey(description: "bench-sender")
    let topicArn = try await sns.createTopic(name: "bench-codes-\(suffix)")
    let queueUrl = try await sqs.createQueue(name: "bench-inbox-\(suffix)")
    guard let queueArn = try await sqs.getQueueAttributes(queueUrl: queueUrl, names: ["QueueArn"])["QueueArn"] else {
        throw BenchError("the inbox queue has no QueueArn")
    }
    _ = try await sns.subscribe(topicArn: topicArn, protocol: "sqs", endpoint: queueArn)

    // Cognito's side: the same encrypted events (suite 0x0378, v1, frame 4096) for every runtime.
    let simulator = CognitoSimulator(kmsKeyArn: key.arn, kms: kms)
    let region = aws.region
    func makeEvent(_ index: Int, code: String = CognitoSimulator.makeCode()) async throws -> Data {
        let source: TriggerSource = index % 2 == 0 ? .smsSignUp : .smsAuthentication
        let event = try await simulator.event(
            triggerSource: source, code: code, userPoolId: "\(region)_BenchPool", userName: "bench-user-\(index)",
            phoneNumber: "+1555010\(String(format: "%04d", index % 10_000))", region: region)
        return try event.jsonValue.data()
    }
    var events: [Data] = []
    for index in 0...options.warmInvocations { events.append(try await makeEvent(index)) }

    // Both get the same explicit environment; nothing else leaks in from this shell.
    var common: [String: String] = [
        "PATH": environment["PATH"] ?? "/usr/bin:/bin",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": environment["AWS_ACCESS_KEY_ID"] ?? "testing",
        "AWS_SECRET_ACCESS_KEY": environment["AWS_SECRET_ACCESS_KEY"] ?? "testing",
        SenderEnvironment.kmsKeyArn: key.arn,
        SenderEnvironment.snsTopicArn: topicArn,
    ]
    if let lang = environment["LANG"] { common["LANG"] = lang }
    var candidates: [Candidate] = options.swift.map { swift in
        Candidate(
            label: swift.label,
            configuration: .init(
                executable: absolute(swift.path), environment: common, inheritEnvironment: false, functionName: "bench-sender",
                memorySizeMB: 128, region: region.rawValue, timeout: .seconds(60),
                output: .file("\(options.logDirectory)/\(swift.label.replacingOccurrences(of: " ", with: "-")).log")))
    }
    // A shipped bootstrap as Lambda starts it: in a bare root, with nothing of this machine but
    // glibc, the endpoint resolved by name.
    var bareRootEnvironment = common
    bareRootEnvironment["PATH"] = nil
    bareRootEnvironment["AWS_ENDPOINT_URL"] = endpoint.replacingOccurrences(of: "://127.0.0.1:", with: "://localhost:")
    func enteringRoot(_ root: String, _ program: String) -> [String] { [absolute("scripts/enter-lambda-root.sh"), absolute(root), program] }
    func inBareRoot(_ root: String, name: String, extra: [String: String] = [:], timeout: Duration) -> LocalInvoker.Configuration {
        LocalInvoker.sandboxed(
            command: enteringRoot(root, "/var/task/bootstrap"), environment: bareRootEnvironment.merging(extra) { $1 },
            functionName: "bench-\(name)", memorySizeMB: 128, region: region.rawValue, timeout: timeout,
            output: .file("\(options.logDirectory)/\(name).log"))
    }
    for (label, root) in options.shippedRoots {
        candidates.append(Candidate(label: label, configuration: inBareRoot(root, name: "sender-\(label)", timeout: .seconds(60))))
    }
    let python = try options.python ?? resolvePython()
    let handlerDir = absolute(options.pythonHandlerDir)
    var pythonEnvironment = common
    pythonEnvironment["PYTHONPATH"] = handlerDir
    candidates.append(
        Candidate(
            label: "python",
            configuration: .init(
                executable: python, arguments: ["-m", "awslambdaric", "index.handler"], environment: pythonEnvironment, inheritEnvironment: false,
                functionName: "bench-sender-python", memorySizeMB: 128, region: region.rawValue, handler: "index.handler", taskRoot: handlerDir,
                timeout: .seconds(60), output: .file("\(options.logDirectory)/python.log"))))
    for candidate in candidates { try? FileManager.default.removeItem(atPath: candidate.log) }

    say(
        "sender benchmark: \(candidates.map { "\($0.label) = \($0.configuration.executable) \($0.configuration.arguments.joined(separator: " "))" }.joined(separator: "; "))"
    )
    say("moto at \(endpoint); key \(key.arn); topic \(topicArn)")

    // 1. Correctness, and a warm page cache for both: one invocation each; the inbox must get the
    //    right code, under the sample's subject, from every runtime.
    for (index, candidate) in candidates.enumerated() {
        let code = "check-\(index)-\(CognitoSimulator.makeCode())"
        let report = try await LocalInvoker(candidate.configuration).invoke(event: try await makeEvent(10_000 + index, code: code))
        try requireSuccess(report, expected: 1, candidate: candidate, log: candidate.log)
        var delivered: CodeRecord?
        for _ in 0..<5 where delivered == nil {
            for message in try await sqs.receiveMessage(queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 1) {
                try await sqs.deleteMessage(queueUrl: queueUrl, receiptHandle: message.receiptHandle)
                let envelope = try JSONValue(data: Data(message.body.utf8))
                guard envelope["Subject"]?.stringValue == SNSCodePublisher.subject, let body = envelope["Message"]?.stringValue,
                    let record = try? JSONDecoder().decode(CodeRecord.self, from: Data(body.utf8)), record.code == code
                else { continue }
                delivered = record
            }
        }
        guard delivered != nil else { throw BenchError("\(candidate.label): the inbox never got the code it was sent; log: \(candidate.log)") }
    }
    // The queue stays subscribed (so every publish fans out to it, as in the stack) but is not read again.
    say("check: every runtime decrypted its code and delivered it to the inbox\n")

    // 2. Cold starts: a fresh process and a fresh Runtime API per run, alternating the order.
    var cold = Array(repeating: [Double](), count: candidates.count)
    var coldRSS = Array(repeating: [Int](), count: candidates.count)
    var initOnly = Array(repeating: [Double](), count: candidates.count)
    // What entering a bare root costs here (scripts/enter-lambda-root.sh: unshare, mounts, chroot),
    // which Lambda does not charge: the same path up to the exec, of a program that is not there.
    var sandboxEntry: [Double] = []
    for run in 0..<options.runs {
        if let (_, root) = options.shippedRoots.first {
            sandboxEntry.append(try await milliseconds(timeToExit(enteringRoot(root, "/var/task/no-such-program"))))
        }
        let order = run % 2 == 0 ? Array(candidates.indices) : Array(candidates.indices.reversed())
        for index in order {
            let candidate = candidates[index]
            let report = try await LocalInvoker(candidate.configuration).invoke(event: events[run % events.count])
            try requireSuccess(report, expected: 1, candidate: candidate, log: candidate.log)
            guard let elapsed = report.timeToFirstAnswer else { throw BenchError("\(candidate.label): no time to first answer") }
            cold[index].append(milliseconds(elapsed))
            if let initEnded = report.timeToFirstNext { initOnly[index].append(milliseconds(initEnded)) }
            if let rss = report.maxMemoryUsedKiB { coldRSS[index].append(rss) }
        }
        if isatty(2) != 0 { FileHandle.standardError.write(Data("cold run \(run + 1)/\(options.runs)\r".utf8)) }
    }

    // 3. Warm: one process serves 1 + N invocations; the first (cold) is left out.
    var warm = Array(repeating: [Double](), count: candidates.count)
    var peakRSS = Array(repeating: [Int](), count: candidates.count)
    for round in 0..<options.warmProcesses {
        let order = round % 2 == 0 ? Array(candidates.indices) : Array(candidates.indices.reversed())
        for index in order {
            let candidate = candidates[index]
            let report = try await LocalInvoker(candidate.configuration).invoke(events: events)
            try requireSuccess(report, expected: events.count, candidate: candidate, log: candidate.log)
            warm[index] += report.durations.dropFirst().map(milliseconds)
            guard let rss = report.maxMemoryUsedKiB else { throw BenchError("\(candidate.label): no VmHWM (is /proc mounted?)") }
            peakRSS[index].append(rss)
        }
    }

    // 4. The floor under every warm invocation: the two moto round trips a sender must make (KMS
    //    Decrypt of the data key, SNS Publish), made from this process with no runtime around them.
    var floor: [Double] = []
    for event in events.dropFirst() {
        guard let code = try JSONValue(data: event)["request"]?["code"]?.stringValue, let message = Data(base64Encoded: code) else {
            throw BenchError("an event without request.code")
        }
        let header = try MessageHeader.parse([UInt8](message))
        let clock = ContinuousClock()
        floor.append(
            milliseconds(
                try await clock.measure {
                    _ = try await kms.decrypt(
                        ciphertextBlob: header.encryptedDataKeys[0].ciphertext, keyId: key.arn, encryptionContext: header.encryptionContext)
                    _ = try await sns.publish(topicArn: topicArn, message: #"{"default":"floor"}"#, subject: SNSCodePublisher.subject, messageStructure: "json")
                }))
    }

    // 5. Report.
    func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    func mib(_ kib: Int) -> String { String(format: "%.1f", Double(kib) / 1024) }
    let labelWidth = 44, columnWidth = 14
    say(pad("", labelWidth) + candidates.map { pad($0.label, columnWidth) }.joined())
    func row(_ label: String, _ values: [String]) {
        say(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + values.map { pad($0, columnWidth) }.joined())
    }
    let coldSorted = cold.map { $0.sorted() }
    let warmSorted = warm.map { $0.sorted() }
    row("cold start median (ms)", coldSorted.map { f(median($0)) })
    row("cold start min / max (ms)", coldSorted.map { "\(f($0.first ?? .nan))/\(f($0.last ?? .nan))" })
    let entry = sandboxEntry.isEmpty ? 0 : median(sandboxEntry.sorted())
    let isShipped = candidates.map { candidate in options.shippedRoots.contains { $0.label == candidate.label } }
    if !sandboxEntry.isEmpty {
        row("cold start less the root's entry (ms)", coldSorted.indices.map { isShipped[$0] ? f(median(coldSorted[$0]) - entry) : "-" })
    }
    let initSorted = initOnly.map { $0.sorted() }
    row("init: spawn → first GET next, median (ms)", initSorted.map { $0.isEmpty ? "n/a" : f(median($0)) })
    row("init min / max (ms)", initSorted.map { $0.isEmpty ? "n/a" : "\(f($0.first!))/\(f($0.last!))" })
    row("warm median (ms)", warmSorted.map { f(median($0)) })
    row("warm p90 (ms)", warmSorted.map { f(percentile($0, 90)) })
    row("warm min / max (ms)", warmSorted.map { "\(f($0.first ?? .nan))/\(f($0.last ?? .nan))" })
    row("peak RSS, 1 invocation (MiB)", coldRSS.map { $0.max().map(mib) ?? "n/a" })
    row("peak RSS, \(events.count) invocations (MiB)", peakRSS.map { $0.max().map(mib) ?? "n/a" })
    if !sandboxEntry.isEmpty {
        let sorted = sandboxEntry.sorted()
        say(
            "entering the bare root (enter-lambda-root.sh up to a failed exec, no Lambda equivalent): median \(f(median(sorted))) ms, min/max \(f(sorted.first!))/\(f(sorted.last!)) ms"
        )
    }
    say("moto floor (KMS Decrypt + SNS Publish from this process, no runtime): median \(f(median(floor))) ms, p90 \(f(percentile(floor.sorted(), 90))) ms")
    say(
        "\(options.runs) cold runs each (alternating); warm: \(warm[0].count) invocations each from \(options.warmProcesses) processes of 1 + \(options.warmInvocations);"
    )
    say("peak RSS = VmHWM from /proc/<pid>/status read just before the child is stopped (largest over processes)\n")

    let pythonIndex = candidates.count - 1
    let pythonCold = median(cold[pythonIndex]), pythonWarm = median(warm[pythonIndex])
    for index in 0..<pythonIndex {
        let label = candidates[index].label
        let coldRatio = pythonCold / median(cold[index])
        if isShipped[index], !sandboxEntry.isEmpty {
            let lambdaLike = pythonCold / (median(cold[index]) - entry)
            say(
                "\(label): cold start python/\(label), the root's entry left out = \(String(format: "%.1f", lambdaLike))x (target >= 15x: \(lambdaLike >= 15 ? "met" : "MISSED"))"
            )
        }
        let warmRatio = pythonWarm / median(warm[index])
        let rss = peakRSS[index].max() ?? .max
        say("\(label): cold start python/\(label) = \(String(format: "%.1f", coldRatio))x (target >= 15x: \(coldRatio >= 15 ? "met" : "MISSED"))")
        say("\(label): warm median python/\(label) = \(String(format: "%.2f", warmRatio))x (target >= 1x: \(warmRatio >= 1 ? "met" : "MISSED"))")
        say(
            "\(label): peak RSS \(mib(rss)) MiB after \(events.count) invocations (target <= 24 MiB: \(rss <= 24 * 1024 ? "met" : "MISSED"))"
        )
    }
    // Other bootstraps' init alone, interleaved the same way (their one event is not theirs: only
    // the time to the first GET next counts).
    if !options.initOnlyRoots.isEmpty {
        let others = options.initOnlyRoots.map { label, root in
            // The helper's one required variable; its init reads nothing from the journal yet.
            let journal = ["JOURNAL_URI": "s3://bench-init-journal/pools.sqlite"]
            return (label, LocalInvoker(inBareRoot(root, name: "init-\(label)", extra: journal, timeout: .seconds(10))))
        }
        var inits = Array(repeating: [Double](), count: others.count)
        for run in 0..<options.runs {
            for index in run % 2 == 0 ? Array(others.indices) : Array(others.indices.reversed()) {
                let report = try await others[index].1.invoke(event: Data("{}".utf8))
                guard let initEnded = report.timeToFirstNext else {
                    throw BenchError("\(others[index].0): never asked for an event; log: \(options.logDirectory)/init-\(others[index].0).log")
                }
                inits[index].append(milliseconds(initEnded))
            }
        }
        for (index, other) in others.enumerated() {
            let sorted = inits[index].sorted()
            say("\(other.0): init (spawn -> first GET next) median \(f(median(sorted))) ms, min/max \(f(sorted.first ?? .nan))/\(f(sorted.last ?? .nan)) ms")
        }
    }
    // Builds compared in this run: each shipped sender against the first (this build's).
    let shippedIndices = candidates.indices.filter { index in options.shippedRoots.contains { $0.label == candidates[index].label } }
    if let current = shippedIndices.first {
        for other in shippedIndices.dropFirst() {
            let (a, b) = (candidates[current].label, candidates[other].label)
            say(
                "\(a) vs \(b): cold start \(String(format: "%.2f", median(cold[other]) / median(cold[current])))x faster, init \(String(format: "%.2f", median(initOnly[other]) / median(initOnly[current])))x faster, warm \(String(format: "%.2f", median(warm[other]) / median(warm[current])))x, peak RSS \(mib(peakRSS[current].max() ?? 0)) vs \(mib(peakRSS[other].max() ?? 0)) MiB"
            )
        }
    }
    return 0
}

/// From spawning `command` to its exit.
func timeToExit(_ command: [String]) async throws -> Duration {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let clock = ContinuousClock()
    let start = clock.now
    try process.run()
    process.waitUntilExit()
    return clock.now - start
}

extension Candidate {
    var log: String {
        if case let .file(path) = configuration.output { return path }
        return "(stderr)"
    }
}

do {
    exit(try await run())
} catch {
    FileHandle.standardError.write(Data("SenderBench: \(error)\n".utf8))
    exit(1)
}
