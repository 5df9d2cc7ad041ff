import AWSCore
import CustomResource
import Foundation
import Logging
import PoolJournal
import PropertyBased
import Testing
import TestSupport

/// Random sequences of attach, re-attach, failed and repeated calls, detaches and outside changes
/// to the pool, run through the real attacher and journal against in-memory Cognito and Lambda,
/// and checked after every step against a small reference model of what the pool must be.
@Suite(.tags(.unit))
struct AttacherModelTests {
    static let poolId = "us-east-1_Model"
    static let layer = "arn:aws:lambda:us-east-1:123456789012:layer:smsredirect-esdk:1"
    static let otherLayer = "arn:aws:lambda:us-east-1:123456789012:layer:someone-elses:3"
    static let functions = ["arn:aws:lambda:us-east-1:123456789012:function:sender-one", "arn:aws:lambda:us-east-1:123456789012:function:sender-two"]
    static let keys = [
        "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111",
        "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-2222-2222-222222222222",
    ]
    static let priorSender = "arn:aws:lambda:us-east-1:123456789012:function:their-sender"
    static let priorKey = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    static let foreignSender = "arn:aws:lambda:us-east-1:123456789012:function:set-by-someone-else"

    /// Three attachments: A and B share a sender (another key), A and C share a key (another sender).
    static let specs = [(0, 0), (0, 1), (1, 0)].map { function, key in
        AttachmentSpec(userPoolId: poolId, senderFunctionArn: functions[function], kmsKeyArn: keys[key], layer: .existing(arn: layer))
    }

    enum Step: Sendable, CustomStringConvertible {
        case attach(Int), failingAttach(Int), detachNewest, detachOldest, outsideMessage, outsideSender, replayLast

        init(code: Int) {
            switch code {
            case 0...2: self = .attach(code)
            case 3...5: self = .failingAttach(code - 3)
            case 6: self = .detachNewest
            case 7: self = .detachOldest
            case 8: self = .outsideMessage
            case 9: self = .outsideSender
            default: self = .replayLast
            }
        }

        var description: String {
            switch self {
            case let .attach(index): "attach \(["A", "B", "C"][index])"
            case let .failingAttach(index): "attach \(["A", "B", "C"][index]) (rejected)"
            case .detachNewest: "detach newest"
            case .detachOldest: "detach oldest"
            case .outsideMessage: "someone edits SmsAuthenticationMessage"
            case .outsideSender: "someone sets their own CustomSMSSender"
            case .replayLast: "the last call delivered again"
            }
        }
    }

    /// The reference: written from the rules docs/operator-guide.md states ("Every pool change checks itself"), not from the attacher's code.
    struct Model: Equatable, CustomStringConvertible {
        var sender: String?
        var key: String?
        var message: String
        /// Attachments in force, oldest first; a re-attach moves to the end.
        var active: [Int] = []
        /// The pool's trigger and key before the first attach still in force.
        var original: (sender: String?, key: String?)?

        static func == (left: Model, right: Model) -> Bool {
            left.sender == right.sender && left.key == right.key && left.message == right.message
        }

        var description: String { "sender \(sender ?? "none"), key \(key ?? "none"), message \(message)" }

        /// Which functions carry our layer: those of the attachments in force.
        var functionsWithLayer: Set<String> { Set(active.map { AttacherModelTests.specs[$0].senderFunctionArn }) }

        mutating func attach(_ index: Int) {
            if active.isEmpty { original = (sender, key) }
            sender = AttacherModelTests.specs[index].senderFunctionArn
            key = AttacherModelTests.specs[index].kmsKeyArn
            active.removeAll { $0 == index }
            active.append(index)
        }

        mutating func detach(_ index: Int) {
            guard let position = active.firstIndex(of: index) else { return }
            let spec = AttacherModelTests.specs[index]
            active.remove(at: position)
            guard position == active.count else { return }  // a newer attachment owns the pool
            let target: (sender: String?, key: String?) =
                if let older = active.last {
                    (AttacherModelTests.specs[older].senderFunctionArn, AttacherModelTests.specs[older].kmsKeyArn)
                } else {
                    original ?? (nil, nil)
                }
            if sender == spec.senderFunctionArn { sender = target.sender }
            if key == spec.kmsKeyArn { key = target.key }
            if active.isEmpty { original = nil }
        }
    }

    /// 1,000 sequences per run, in one case: CPU-bound work in parallel cases took both of the
    /// concurrency pool's threads here, and the suites waiting on moto's answers stalled behind them.
    @Test func everySequenceLeavesThePoolAsTheModelSays() async throws {
        await propertyCheck(count: 1000, input: Gen.int(in: 0...10).array(of: 1...14), Gen.bool) { codes, startsWithTheirSender in
            await Task.yield()  // between sequences, room for the suites that wait on I/O
            let steps = codes.map(Step.init(code:))
            try await Self.run(steps, startsWithTheirSender: startsWithTheirSender)
        }
    }

    static func initialPool(startsWithTheirSender: Bool) -> JSONValue {
        var pool: JSONValue = [
            "Id": .string(poolId), "Name": "model", "Arn": .string("arn:aws:cognito-idp:us-east-1:123456789012:userpool/\(poolId)"),
            "CreationDate": 1_700_000_000, "LastModifiedDate": 1_700_000_000, "UsernameAttributes": ["phone_number"],
            "SmsAuthenticationMessage": "Your code is {####}", "MfaConfiguration": "OFF",
            "Policies": ["PasswordPolicy": ["MinimumLength": 12, "TemporaryPasswordValidityDays": 3]],
            "AdminCreateUserConfig": ["AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": 3],
        ]
        if startsWithTheirSender {
            pool["LambdaConfig"] = ["CustomSMSSender": ["LambdaArn": .string(priorSender), "LambdaVersion": "V1_0"], "KMSKeyID": .string(priorKey)]
        }
        return pool
    }

    static func run(_ steps: [Step], startsWithTheirSender: Bool) async throws {
        let initial = initialPool(startsWithTheirSender: startsWithTheirSender)
        let pools = InMemoryUserPools(initial)
        let lambda = InMemorySenderFunctions(layers: Dictionary(uniqueKeysWithValues: functions.map { ($0, [otherLayer]) }))
        var configured = Attacher(
            cognito: pools, lambda: lambda, journal: try OpenJournalStore(), region: "us-east-1",
            logger: Logger(label: "model") { _ in SwiftLogNoOpLogHandler() })
        configured.concurrentUpdateBackoff = []
        let attacher = configured
        var model = Model(sender: startsWithTheirSender ? priorSender : nil, key: startsWithTheirSender ? priorKey : nil, message: "Your code is {####}")
        var last: (() async throws -> Void)?

        for (number, step) in steps.enumerated() {
            let context = ChangeContext(requestId: "request-\(number)")
            switch step {
            case let .attach(index):
                let call = { _ = try await attacher.attach(specs[index], context: context) }
                try await call()
                model.attach(index)
                last = call
            case let .failingAttach(index):
                await pools.reject(next: 1)
                let call = { _ = try await attacher.attach(specs[index], context: context) }
                await #expect(throws: AttachError.self, "\(step) after \(steps.prefix(number))") { try await call() }
                last = { _ = try? await call() }
            case .detachNewest, .detachOldest:
                let chosen: Int
                if case .detachNewest = step { chosen = model.active.last ?? 0 } else { chosen = model.active.first ?? 0 }
                let call = { _ = try await attacher.detach(attachmentId: specs[chosen].attachmentId, context: context) }
                try await call()
                model.detach(chosen)
                last = call
            case .outsideMessage:
                await pools.edit(poolId) { $0["SmsAuthenticationMessage"] = .string("edited at step \(number) {####}") }
                model.message = "edited at step \(number) {####}"
            case .outsideSender:
                await pools.edit(poolId) { pool in
                    var config = pool["LambdaConfig"] ?? [:]
                    config["CustomSMSSender"] = ["LambdaArn": .string(foreignSender), "LambdaVersion": "V1_0"]
                    pool["LambdaConfig"] = config
                }
                model.sender = foreignSender
            case .replayLast:
                try await last?()
            }

            let pool = try #require(await pools.pool(poolId))
            let observed = Model(
                sender: pool["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue, key: pool["LambdaConfig"]["KMSKeyID"]?.stringValue,
                message: pool["SmsAuthenticationMessage"]?.stringValue ?? "absent")
            var withLayer: Set<String> = []
            for function in functions where await lambda.layers(of: function).contains(layer) { withLayer.insert(function) }
            let path = steps.prefix(number + 1).map(\.description).joined(separator: ", ")
            guard observed == model, withLayer == model.functionsWithLayer else {
                Issue.record(
                    "after [\(path)] (their sender at the start: \(startsWithTheirSender)): the pool has \(observed), the model \(model); layers on \(withLayer.sorted()), the model \(model.functionsWithLayer.sorted())"
                )
                return
            }
            for function in functions {
                #expect(await lambda.layers(of: function).first == otherLayer, "someone else's layer stays first on \(function) after [\(path)]")
            }
            // Nothing but the trigger, the key and the outside edit ever changes.
            var expected = initial
            expected["SmsAuthenticationMessage"] = .string(model.message)
            expected["LambdaConfig"] = nil
            var actual = pool
            actual["LambdaConfig"] = nil
            actual["LastModifiedDate"] = expected["LastModifiedDate"]
            #expect(actual == expected, "after [\(path)]")
        }
    }
}
