import AWSCore
import SMSSender
import AWSServices
import Foundation

/// One event the sender failed on every attempt, as Lambda records it for the on-failure
/// destination of an asynchronous invocation (the "invocation record" of "Capturing records of
/// Lambda asynchronous invocations", AWS Lambda Developer Guide): `requestContext` (condition,
/// attempts), `requestPayload` (the Cognito event), `responsePayload` (the error).
///
/// Only what a waiting test needs is kept; the event's `request.code` (a ciphertext) never is.
public struct SenderFailure: Sendable, Equatable, Codable {
    /// When Lambda gave up, as the record says.
    public var timestamp: String
    /// `RetriesExhausted`, or `EventAgeExceeded` when the event waited too long.
    public var condition: String
    /// How many times Lambda ran the sender on the event (`requestContext.approximateInvokeCount`); 0 if absent.
    public var attempts: Int
    /// The sender function's ARN, with its version or alias (`requestContext.functionArn`).
    public var functionArn: String?
    /// The Cognito event's `triggerSource`.
    public var triggerSource: String?
    /// The Cognito event's `userPoolId`.
    public var userPoolId: String?
    /// The Cognito event's `userName`.
    public var userName: String?
    /// The user's `phone_number` attribute from the event.
    public var phoneNumber: String?
    /// The user's `email` attribute from the event.
    public var email: String?
    /// The sender's `errorType` (`responsePayload.errorType`), e.g. `Sender.KMSAccessDenied`.
    public var errorType: String?
    /// The sender's error message (`responsePayload.errorMessage`, or the payload itself when it is a string).
    public var errorMessage: String?

    /// Reads an invocation record; nil for anything that is not one.
    public init?(invocationRecord record: JSONValue) {
        guard let context = record["requestContext"], let condition = context["condition"]?.stringValue else { return nil }
        timestamp = record["timestamp"]?.stringValue ?? ""
        self.condition = condition
        attempts = context["approximateInvokeCount"]?.intValue.map { Int($0) } ?? 0
        functionArn = context["functionArn"]?.stringValue
        let event = record["requestPayload"]
        triggerSource = event?["triggerSource"]?.stringValue
        userPoolId = event?["userPoolId"]?.stringValue
        userName = event?["userName"]?.stringValue
        phoneNumber = event?["request"]["userAttributes"]["phone_number"]?.stringValue
        email = event?["request"]["userAttributes"]["email"]?.stringValue
        errorType = record["responsePayload"]["errorType"]?.stringValue
        errorMessage = record["responsePayload"]["errorMessage"]?.stringValue ?? record["responsePayload"]?.stringValue
    }

    /// An SQS message body as a failure record.
    public init?(body: String) {
        guard let record = try? JSONValue(data: Data(body.utf8)) else { return nil }
        self.init(invocationRecord: record)
    }

    /// ``timestamp`` as a date; nil when it is not ISO 8601.
    public var date: Date? { CodeRecord.date(fromISO8601: timestamp) }

    /// `the sender failed for +15555550100 (CustomSMSSender_SignUp): Sender.WrongKMSKey: …`
    public var summary: String {
        let who = phoneNumber ?? email ?? userName ?? "an unknown user"
        let error = [errorType, errorMessage].compactMap { $0 }.joined(separator: ": ")
        let tries = condition == "EventAgeExceeded" ? "the event expired in Lambda's queue" : "\(attempts) attempt\(attempts == 1 ? "" : "s")"
        return "the sender failed for \(who) (\(triggerSource ?? "unknown trigger")) at \(timestamp), \(tries): \(error.isEmpty ? "no error given" : error)"
    }

    /// Whether a wait with this filter was waiting for this event's code.
    public func matches(_ filter: CodeInbox.Filter) -> Bool {
        filter.matches(phoneNumber: phoneNumber, email: email, userName: userName, userPoolId: userPoolId, triggerSource: triggerSource, time: date)
    }

    /// What `request.code` is replaced with in a record this project writes.
    public static let redactedCode = "<redacted: smsredirect never writes a code or ciphertext into a failure record>"

    /// The invocation record Lambda would send to the on-failure destination, for `smsredirect
    /// invoke --async`; the event's `request.code` is replaced by ``redactedCode``.
    public static func invocationRecord(
        event: JSONValue, functionArn: String, attempts: Int, errorType: String, errorMessage: String,
        requestId: String = UUID().uuidString.lowercased(), time: Date = Date()
    ) -> JSONValue {
        var payload = event
        if payload["request"]["code"] != nil { payload["request"]["code"] = .string(redactedCode) }
        return [
            "version": "1.0",
            "timestamp": .string(time.formatted(CodeRecord.timeFormat)),
            "requestContext": [
                "requestId": .string(requestId), "functionArn": .string("\(functionArn):$LATEST"), "condition": "RetriesExhausted",
                "approximateInvokeCount": .integer(Int64(attempts)),
            ],
            "requestPayload": payload,
            "responseContext": ["statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"],
            "responsePayload": ["errorType": .string(errorType), "errorMessage": .string(errorMessage)],
        ]
    }
}

/// The sender-failures queue (the stacks' `SenderFailuresQueueUrl`), read without consuming it:
/// each failure stays for every waiter and for `smsredirect inbox failures`.
public struct SenderFailureQueue: Sendable {
    /// The SQS client the queue is read with.
    public let sqs: SQSClient
    /// The sender-failures queue's URL.
    public let queueUrl: String

    /// A reader of the failures queue at `queueUrl`.
    public init(sqs: SQSClient, queueUrl: String) {
        self.sqs = sqs
        self.queueUrl = queueUrl
    }

    /// The failures matching `filter`, oldest first. Messages are received and released at once
    /// (visibility 0); rounds stop when one brings nothing new, or at `deadline`.
    public func failures(matching filter: CodeInbox.Filter = .init(), until deadline: ContinuousClock.Instant = .now + .seconds(5)) async throws
        -> SenderFailureReport
    {
        var seen: [String: SenderFailure?] = [:]
        let sqs = self.sqs, queueUrl = self.queueUrl
        while ContinuousClock.now < deadline {
            guard
                let batch = try await CodeInbox.bounded(
                    by: deadline,
                    {
                        try await sqs.receiveMessage(queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 1, visibilityTimeout: 0)
                    })
            else { break }
            let fresh = batch.filter { seen[$0.messageId] == nil }
            for message in fresh { seen[message.messageId] = SenderFailure(body: message.body) }
            if fresh.isEmpty { break }
        }
        let readable = seen.values.compactMap { $0 }
        let matching = readable.filter { $0.matches(filter) }.sorted { $0.timestamp < $1.timestamp }
        return SenderFailureReport(queueUrl: queueUrl, matching: matching, total: seen.count, unreadable: seen.count - readable.count)
    }
}

/// What the failures queue held, for a timeout message or `inbox failures`.
public struct SenderFailureReport: Sendable, Equatable, CustomStringConvertible {
    /// The failures queue that was read.
    public var queueUrl: String
    /// The failures for the filter, oldest first.
    public var matching: [SenderFailure]
    /// Every message seen, matching or not.
    public var total: Int
    /// How many messages were not an invocation record.
    public var unreadable: Int

    /// The newest five matching failures, one per line, or that there was none among ``total``.
    public var description: String {
        guard !matching.isEmpty else {
            return "the sender reported no failure for this filter (\(total) failure record\(total == 1 ? "" : "s") in \(queueUrl))"
        }
        return matching.suffix(5).map(\.summary).joined(separator: "\n") + (matching.count > 5 ? "\n(and \(matching.count - 5) older)" : "")
    }
}
