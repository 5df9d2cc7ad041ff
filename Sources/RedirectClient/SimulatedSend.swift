import Foundation
import LambdaLocal
import SMSSender

/// Cognito's side of a send, and Lambda's, on this machine: each code encrypted as Cognito
/// encrypts it, then the sender bootstrap run once per event over a loopback Runtime API, as
/// Lambda runs it. What `smsredirect simulate` and `smsredirect demo` both do.
public struct SimulatedSend: Sendable {
    /// One code to send: the trigger, the code (``code(for:)`` makes one), and the user.
    public struct Request: Sendable {
        public var triggerSource: TriggerSource
        public var code: String
        public var userPoolId: String
        public var userName: String
        public var phoneNumber: String?

        public init(triggerSource: TriggerSource, code: String, userPoolId: String, userName: String, phoneNumber: String?) {
            self.triggerSource = triggerSource
            self.code = code
            self.userPoolId = userPoolId
            self.userName = userName
            self.phoneNumber = phoneNumber
        }
    }

    public var simulator: CognitoSimulator
    /// The sender's `bootstrap`, and the environment its function would have.
    public var senderBootstrap: String
    public var environment: [String: String]
    public var functionName: String
    public var region: String

    public init(simulator: CognitoSimulator, senderBootstrap: String, environment: [String: String], functionName: String, region: String) {
        self.simulator = simulator
        self.senderBootstrap = senderBootstrap
        self.environment = environment
        self.functionName = functionName
        self.region = region
    }

    /// A code as Cognito would make it for this trigger: AdminCreateUser's is a temporary password.
    public static func code(for source: TriggerSource) -> String {
        source.event == "AdminCreateUser" ? "Tmp-\(UUID().uuidString.prefix(8))!" : CognitoSimulator.makeCode()
    }

    /// Each request's outcome, in order (fewer than asked when the sender process died).
    public func run(_ requests: [Request]) async throws -> [(request: Request, outcome: InvocationOutcome)] {
        var events: [Data] = []
        for request in requests {
            events.append(try await simulator.event(triggerSource: request.triggerSource, code: request.code, userPoolId: request.userPoolId,
                                                    userName: request.userName, phoneNumber: request.phoneNumber, region: region).jsonValue.data())
        }
        let report = try await LocalInvoker(.init(executable: senderBootstrap, environment: environment, functionName: functionName, region: region,
                                                  timeout: .seconds(30), output: .standardError)).invoke(events: events)
        return Array(zip(requests, report.outcomes)).map { (request: $0.0, outcome: $0.1) }
    }
}
