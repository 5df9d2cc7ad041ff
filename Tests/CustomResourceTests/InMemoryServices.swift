import AWSCore
@testable import AWSServices
import CustomResource
import Foundation
import PoolConfig
import PoolJournal

/// An in-memory Cognito for the unit tests of the attacher's decisions. UpdateUserPool works as
/// Cognito documents it: every member it can set is replaced by what was sent (absent: reset),
/// the rest (read-only, create-only) kept. Each misbehaviour moto can't play is a switch.
actor InMemoryUserPools: UserPoolService {
    private(set) var pools: [String: JSONValue] = [:]
    /// UpdateUserPool calls applied, in order.
    private(set) var applied: [JSONValue] = []
    /// The next UpdateUserPool applied drops this member: Cognito changing a setting it was sent.
    private var resetOnNextUpdate: String?
    /// This many UpdateUserPool calls next fail with `InvalidParameterException`.
    private var rejections = 0
    /// After this many more are applied, every UpdateUserPool fails (a rollback that fails too).
    private var appliedBeforeOutage: Int?
    /// This many UpdateUserPool calls next fail with `ConcurrentModificationException`.
    private var concurrentUpdates = 0
    /// Someone else's edit, made right after the next DescribeUserPool.
    private var editAfterNextDescribe: (@Sendable (inout JSONValue) -> Void)?
    private var clock = 0
    /// The MFA factors only SetUserPoolMfaConfig sets (software token, email, WebAuthn), per pool.
    private var factors: [String: [String: JSONValue]] = [:]
    /// The next UpdateUserPool applied turns this MFA factor off: Cognito changing what it was not sent.
    private var factorDroppedOnNextUpdate: String?

    /// The described pool's members UpdateUserPool sets (its `PoolName` is the pool's `Name`).
    static let settable = Set(CognitoPoolModel.updateUserPoolInput.members?.keys.map { $0 == "PoolName" ? "Name" : $0 } ?? [])

    init(_ pool: JSONValue) {
        if let id = pool["Id"]?.stringValue { pools[id] = pool }
    }

    func pool(_ id: String) -> JSONValue? { pools[id] }
    func setFactors(_ id: String, _ value: [String: JSONValue]) { factors[id] = value }
    func dropFactorOnNextUpdate(_ factor: String) { factorDroppedOnNextUpdate = factor }

    /// As GetUserPoolMfaConfig answers: the pool's MfaConfiguration, its SMS factor as
    /// DescribeUserPool holds it, and the factors set apart from the pool.
    func getUserPoolMfaConfig(id: String) async throws -> JSONValue {
        guard let pool = pools[id] else { throw error("ResourceNotFoundException", "User pool \(id) does not exist.", operation: "GetUserPoolMfaConfig") }
        var answer = factors[id] ?? [:]
        answer["MfaConfiguration"] = pool["MfaConfiguration"] ?? .string("OFF")
        if let sms = pool["SmsConfiguration"] {
            var smsFactor: [String: JSONValue] = ["SmsConfiguration": sms]
            if let message = pool["SmsAuthenticationMessage"] { smsFactor["SmsAuthenticationMessage"] = message }
            answer["SmsMfaConfiguration"] = .object(smsFactor)
        }
        return .object(answer)
    }
    func resetOnNextUpdate(_ member: String) { resetOnNextUpdate = member }
    func reject(next count: Int) { rejections = count }
    func failEveryUpdate(afterApplying count: Int) { appliedBeforeOutage = count }
    func endOutage() { appliedBeforeOutage = nil }
    /// UpdateUserPool refuses a request that sends this member (one newer than the test's model, say).
    func refuse(member: String) { refusedMembers.insert(member) }
    private var refusedMembers: Set<String> = []
    func refuseAsConcurrent(next count: Int) { concurrentUpdates = count }
    func editAfterNextDescribe(_ edit: @escaping @Sendable (inout JSONValue) -> Void) { editAfterNextDescribe = edit }
    /// Someone else's change, outside the attacher.
    func edit(_ id: String, _ change: (inout JSONValue) -> Void) {
        guard var pool = pools[id] else { return }
        change(&pool)
        pools[id] = pool
    }

    func describeUserPool(id: String) async throws -> JSONValue {
        guard let pool = pools[id] else { throw error("ResourceNotFoundException", "User pool \(id) does not exist.", operation: "DescribeUserPool") }
        if let edit = editAfterNextDescribe {
            editAfterNextDescribe = nil
            self.edit(id, edit)
        }
        return pool
    }

    func updateUserPool(_ request: JSONValue) async throws {
        if concurrentUpdates > 0 {
            concurrentUpdates -= 1
            throw error("ConcurrentModificationException", "Only one request to update this UserPool can be processed at a time.")
        }
        if rejections > 0 {
            rejections -= 1
            throw error("InvalidParameterException", "rejected by the test")
        }
        if let remaining = appliedBeforeOutage {
            guard remaining > 0 else { throw error("InternalErrorException", "the test's outage") }
            appliedBeforeOutage = remaining - 1
        }
        if let refused = refusedMembers.first(where: { request[$0] != nil }) {
            throw error("InvalidParameterException", "\(refused) is not a valid parameter")
        }
        guard let id = request["UserPoolId"]?.stringValue, let old = pools[id]?.objectValue else {
            throw error("ResourceNotFoundException", "no such pool")
        }
        var pool = old.filter { !Self.settable.contains($0.key) }
        for (member, value) in request.objectValue ?? [:] where member != "UserPoolId" {
            pool[member == "PoolName" ? "Name" : member] = value
        }
        // Cognito derives the deprecated UnusedAccountValidityDays from TemporaryPasswordValidityDays.
        if let days = pool["Policies"]?["PasswordPolicy"]?["TemporaryPasswordValidityDays"], var admin = pool["AdminCreateUserConfig"]?.objectValue {
            admin["UnusedAccountValidityDays"] = days
            pool["AdminCreateUserConfig"] = .object(admin)
        }
        if let member = resetOnNextUpdate {
            resetOnNextUpdate = nil
            pool[member] = nil
        }
        if let factor = factorDroppedOnNextUpdate {
            factorDroppedOnNextUpdate = nil
            factors[id]?[factor] = .object(["Enabled": .bool(false)])
        }
        clock += 1
        pool["LastModifiedDate"] = .double(Double(1_700_000_000 + clock))
        pools[id] = .object(pool)
        applied.append(request)
    }

    private func error(_ code: String, _ message: String, operation: String = "UpdateUserPool") -> AWSError {
        AWSError(service: "Cognito Identity Provider", operation: operation, statusCode: 400, code: code, message: message, endpoint: "in-memory")
    }
}

/// In-memory Lambda functions and layer versions, for the same tests.
actor InMemorySenderFunctions: SenderFunctionService {
    private(set) var layers: [String: [String]]
    private(set) var publishedVersions: Set<String> = []
    private var nextVersion = 1

    init(layers: [String: [String]]) { self.layers = layers }

    func layers(of functionArn: String) -> [String] { layers[functionArn] ?? [] }

    func getFunctionConfiguration(functionName: String) async throws -> LambdaClient.FunctionConfiguration {
        guard let current = layers[functionName] else {
            throw AWSError(
                service: "Lambda", operation: "GetFunctionConfiguration", statusCode: 404, code: "ResourceNotFoundException", message: "Function not found",
                endpoint: "in-memory")
        }
        let name = String(functionName.split(separator: ":").last ?? "")
        return LambdaClient.FunctionConfiguration(
            functionName: name, functionArn: functionName, layers: current, environment: [:], runtime: "provided.al2023",
            revisionId: nil, document: [:])
    }

    func setLayers(_ layers: [String], functionName: String) async throws {
        guard self.layers[functionName] != nil else {
            throw AWSError(
                service: "Lambda", operation: "UpdateFunctionConfiguration", statusCode: 404, code: "ResourceNotFoundException", message: "",
                endpoint: "in-memory")
        }
        self.layers[functionName] = layers
    }

    func publishLayer(name: String, content: LambdaClient.LayerContent, description: String) async throws -> LambdaClient.LayerVersion {
        defer { nextVersion += 1 }
        let arn = "arn:aws:lambda:us-east-1:123456789012:layer:\(name)"
        publishedVersions.insert("\(arn):\(nextVersion)")
        return LambdaClient.LayerVersion(layerArn: arn, layerVersionArn: "\(arn):\(nextVersion)", version: nextVersion)
    }

    func deleteLayerVersion(layerName: String, version: Int) async throws {
        publishedVersions.remove("arn:aws:lambda:us-east-1:123456789012:layer:\(layerName):\(version)")
    }
}

/// A journal held open for the length of a test: an in-memory SQLite database with the real
/// schema and queries (the CLI's store reopens its file on every call).
struct OpenJournalStore: JournalStore {
    let database: JournalDatabase

    init() throws { database = try JournalDatabase(path: ":memory:") }

    var location: String { "memory" }
    func append(_ entry: JournalEntry) async throws -> JournalEntry { try database.append(entry) }
    func read<T: Sendable>(_ body: @Sendable (JournalDatabase) throws -> T) async throws -> T { try body(database) }
}
