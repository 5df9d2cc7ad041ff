import AWSCore
import Foundation
import LambdaLocal
import SMSSender

/// Cognito's side of a send, and Lambda's, on this machine: each code encrypted as Cognito
/// encrypts it, then the sender bootstrap run once per event over a loopback Runtime API, as
/// Lambda runs it. What `smsredirect simulate` and `smsredirect demo` both do.
public struct SimulatedSend: Sendable {
    /// One code to send: the trigger, the code (``code(for:)`` makes one), and the user.
    public struct Request: Sendable {
        /// The trigger Cognito would invoke the sender for.
        public var triggerSource: TriggerSource
        /// The plaintext code to encrypt and send.
        public var code: String
        /// The user pool the event names, also the `userpool-id` encryption context value.
        public var userPoolId: String
        /// The Cognito user name the event carries.
        public var userName: String
        /// The user's `phone_number` attribute; nil for a user without one.
        public var phoneNumber: String?
        /// The user's `email` attribute, which an email trigger's record carries.
        public var email: String?

        /// A request to send `code` for this user on `triggerSource`.
        public init(triggerSource: TriggerSource, code: String, userPoolId: String, userName: String, phoneNumber: String?, email: String? = nil) {
            self.triggerSource = triggerSource
            self.code = code
            self.userPoolId = userPoolId
            self.userName = userName
            self.phoneNumber = phoneNumber
            self.email = email
        }
    }

    /// Makes and encrypts each event as Cognito would.
    public var simulator: CognitoSimulator
    /// The sender's `bootstrap`, and the environment its function would have.
    public var senderBootstrap: String
    /// The sender's environment variables, e.g. `KMS_KEY_ARN` and `SNS_TOPIC_ARN`.
    public var environment: [String: String]
    /// The function name the sender sees (`AWS_LAMBDA_FUNCTION_NAME`, and in its invoked function ARN).
    public var functionName: String
    /// The AWS Region the events name and the sender runs in (its `AWS_REGION`).
    public var region: Region

    /// A send that runs `senderBootstrap` with `environment` for the events `simulator` makes.
    public init(simulator: CognitoSimulator, senderBootstrap: String, environment: [String: String], functionName: String, region: Region) {
        self.simulator = simulator
        self.senderBootstrap = senderBootstrap
        self.environment = environment
        self.functionName = functionName
        self.region = region
    }

    /// A code as Cognito would make it for this trigger: AdminCreateUser's is a temporary password.
    public static func code(for source: TriggerSource) -> String {
        source.kind == .adminCreateUser ? "Tmp-\(UUID().uuidString.prefix(8))!" : CognitoSimulator.makeCode()
    }

    /// Each request's outcome, in order (fewer than asked when the sender process died).
    public func run(_ requests: [Request]) async throws -> [(request: Request, outcome: InvocationOutcome)] {
        var events: [Data] = []
        for request in requests {
            events.append(
                try await simulator.event(
                    triggerSource: request.triggerSource, code: request.code, userPoolId: request.userPoolId,
                    userName: request.userName, phoneNumber: request.phoneNumber, email: request.email,
                    region: region
                ).jsonValue.data())
        }
        let report = try await LocalInvoker(
            .init(
                executable: senderBootstrap, environment: environment, functionName: functionName, region: region.rawValue,
                timeout: .seconds(30), output: .standardError)
        ).invoke(events: events)
        return Array(zip(requests, report.outcomes)).map { (request: $0.0, outcome: $0.1) }
    }
}
