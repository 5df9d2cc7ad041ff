import AWSCore
import SMSSender
import AWSServices
import Foundation

/// Reads codes from the SQS code inbox: what an end-to-end test of an app calls to finish a sign-up.
public struct CodeInbox: Sendable {
    /// The SQS client the inbox is read with.
    public let sqs: SQSClient
    /// The inbox queue's URL (the stack's code queue, or a run's own inbox).
    public let queueUrl: String
    /// Another user's record older than this is left hidden for the receive's visibility timeout
    /// instead of being released: nobody is waiting for it now, and released at once it would come
    /// back first on every receive (SQS hands out the oldest it can) and starve the waiters of
    /// their fresh codes. An inbox nobody empties (per-run inboxes in use, a person reading email)
    /// holds a day of such codes.
    public let staleAfter: Duration

    /// An inbox on `queueUrl`; others' records older than `staleAfter` (five minutes by default) stay hidden.
    public init(sqs: SQSClient, queueUrl: String, staleAfter: Duration = .seconds(300)) {
        self.sqs = sqs
        self.queueUrl = queueUrl
        self.staleAfter = staleAfter
    }

    /// Which codes to take.
    public struct Filter: Sendable, Equatable {
        /// A code texted to this phone: SMS records whose `phoneNumber` is this one.
        public var phoneNumber: String?
        /// A code emailed to this address: email records whose `email` is this one (any case).
        public var email: String?
        /// Only records for this Cognito user name (exact match).
        public var userName: String?
        /// Only records from this user pool (exact match).
        public var userPoolId: String?
        /// A trigger source, or its event name (`SignUp`, `Authentication`, …).
        public var trigger: String?
        /// Only records the sender handled at or after this time (their `time`).
        public var since: Date?

        /// A filter taken as given; a nil field matches anything. For what a user typed, use
        /// ``validated(phoneNumber:email:userName:userPoolId:trigger:since:)``.
        public init(
            phoneNumber: String? = nil, email: String? = nil, userName: String? = nil, userPoolId: String? = nil, trigger: String? = nil, since: Date? = nil
        ) {
            self.phoneNumber = phoneNumber
            self.email = email
            self.userName = userName
            self.userPoolId = userPoolId
            self.trigger = trigger
            self.since = since
        }

        /// A filter from what a user typed: the phone must be E.164 and the trigger a known one
        /// (any case; it is stored as Cognito spells it), or the wait could only time out.
        public static func validated(
            phoneNumber: String? = nil, email: String? = nil, userName: String? = nil, userPoolId: String? = nil, trigger: String? = nil,
            since: Date? = nil
        ) throws -> Filter {
            if phoneNumber != nil, email != nil {
                throw InvalidFilter("a code goes either to a phone or to an address: give --phone or --email, not both")
            }
            if let email, email.wholeMatch(of: /[^\s@]+@[^\s@]+/) == nil {
                throw InvalidFilter("'\(email)' is not an email address: give the address as the user's email attribute holds it")
            }
            if let phoneNumber, phoneNumber.wholeMatch(of: /\+[1-9][0-9]{1,14}/) == nil {
                throw InvalidFilter(
                    "the phone number '\(phoneNumber)' is not E.164: write it as Cognito stores it, '+' and the country code first (e.g. +15555550100)")
            }
            var canonical: String?
            if let trigger {
                let known = TriggerSource.allCases
                guard let source = known.first(where: { $0.rawValue.lowercased() == trigger.lowercased() || $0.event.lowercased() == trigger.lowercased() })
                else {
                    let names = Array(Set(known.map(\.event))).sorted().joined(separator: ", ")
                    throw InvalidFilter("unknown trigger '\(trigger)': use one of \(names), or a full trigger source such as CustomSMSSender_SignUp")
                }
                canonical = source.rawValue.lowercased() == trigger.lowercased() ? source.rawValue : source.event
            }
            if let userPoolId, userPoolId.wholeMatch(of: /[\w-]+_[0-9a-zA-Z]+/) == nil {
                throw InvalidFilter("'\(userPoolId)' is not a user pool id: write it as Cognito shows it (REGION_ID, e.g. eu-west-1_AbCdEf123)")
            }
            return Filter(phoneNumber: phoneNumber, email: email, userName: userName, userPoolId: userPoolId, trigger: canonical, since: since)
        }

        /// Whether a code record passes every field this filter sets.
        public func matches(_ record: CodeRecord) -> Bool {
            matches(
                phoneNumber: record.phoneNumber, email: record.email, userName: record.userName, userPoolId: record.userPoolId,
                triggerSource: record.triggerSource, time: record.date)
        }

        /// The test on the fields a code record and a sender failure share.
        /// A phone or an address names the channel too: Cognito sends every attribute with each
        /// event, so an email record also carries the user's phone number.
        public func matches(
            phoneNumber: String?, email: String? = nil, userName: String?, userPoolId: String? = nil, triggerSource: String?, time: Date?
        ) -> Bool {
            let channel = triggerSource.flatMap(TriggerSource.init(rawValue:))?.channel
            if let wanted = self.phoneNumber, phoneNumber != wanted || channel == .email { return false }
            if let wanted = self.email, email?.lowercased() != wanted.lowercased() || channel == .sms { return false }
            if let wanted = self.userName, userName != wanted { return false }
            if let wanted = self.userPoolId, userPoolId != wanted { return false }
            if let trigger {
                guard let triggerSource, triggerSource == trigger || triggerSource.hasSuffix("_\(trigger)") else { return false }
            }
            if let since, let time, time < since { return false }
            return true
        }
    }

    /// A filter that can match nothing, with what to write instead.
    public struct InvalidFilter: Error, CustomStringConvertible {
        /// What is wrong with the filter and how to write it instead.
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The inbox had nothing matching before the deadline; says what it did hold.
    public struct TimedOut: Error, CustomStringConvertible {
        /// The wait's timeout, in whole seconds.
        public let seconds: Int
        /// The records seen that did not match, and the unreadable messages.
        public let seen: Seen
        /// What the sender-failures queue held for this filter, when the wait was given one.
        public var failures: SenderFailureReport?
        /// The timeout, what the inbox held instead, and any sender failures on a line of their own.
        public var description: String {
            "no matching code arrived in \(seconds) s; \(seen)" + (failures.map { "\n\($0)" } ?? "")
        }
    }

    /// What a wait saw that was not for it, for the timeout message.
    public struct Seen: Sendable, CustomStringConvertible {
        /// The distinct code records received that did not match, in the order first seen.
        public var records: [CodeRecord] = []
        /// How many messages were not a code record at all.
        public var unreadable = 0

        mutating func note(_ record: CodeRecord?) {
            guard let record else { unreadable += 1; return }
            if !records.contains(record) { records.append(record) }
        }

        /// Who the other codes were for (up to five), how old the newest is, and the unreadable count.
        public var description: String {
            var parts: [String] = []
            if records.isEmpty {
                parts.append("the inbox held no other code")
            } else {
                // Whoever could publish to the topic wrote these fields: shown printable.
                let who = Set(records.map { "\(($0.phoneNumber ?? $0.email ?? $0.userName).printablePrefix()) (\($0.triggerSource.printablePrefix()))" })
                    .sorted()
                parts.append(
                    "the inbox held \(records.count) other code\(records.count == 1 ? "" : "s"), for \(who.prefix(5).joined(separator: ", "))\(who.count > 5 ? ", …" : "")"
                )
                if let newest = records.compactMap(\.date).max() {
                    parts.append("the newest \(Int(Date().timeIntervalSince(newest))) s old")
                }
            }
            if unreadable > 0 { parts.append("\(unreadable) message\(unreadable == 1 ? " was" : "s were") not a code record") }
            return parts.joined(separator: "; ")
        }
    }

    /// A message body as a record: the SNS envelope (the default) or raw delivery.
    public static func record(fromBody body: String) -> CodeRecord? {
        let decoder = JSONDecoder()
        guard let envelope = try? JSONValue(data: Data(body.utf8)) else { return nil }
        if let message = envelope["Message"]?.stringValue, envelope["Type"]?.stringValue == "Notification" {
            return try? decoder.decode(CodeRecord.self, from: Data(message.utf8))
        }
        return try? decoder.decode(CodeRecord.self, from: Data(body.utf8))
    }

    /// Long-polls until a matching code arrives, and returns the newest matching one. The older
    /// matching ones and repeated deliveries it saw are stale, and are deleted with it; a message
    /// for someone else is released at once (visibility 0), so waiters in parallel on one inbox
    /// never hold each other's codes, unless it is someone else's and older than ``staleAfter``
    /// (or not a code record): that stays hidden for the visibility timeout, so a backlog nobody
    /// takes cannot crowd fresh codes out of every receive. A record of this filter's own from
    /// before `since` is released: it is this user's, and `purge` must still find it.
    ///
    /// Once a match is in hand, one more long poll of a second looks for a newer one: a long poll
    /// asks every SQS server, where a short one samples a few and could miss it.
    public func waitForCode(matching filter: Filter, timeout: Duration) async throws -> CodeRecord {
        try await waitForCodes(matching: filter, timeout: timeout).newest
    }

    /// What a wait took from the inbox: every distinct matching record, oldest first. The newest
    /// is the code a test wants; the others are stale (superseded by it), and were deleted with it.
    public struct Collected: Sendable, Equatable {
        /// The matching records, oldest first (by the sender's time, then by when SQS got them), each once.
        public var records: [CodeRecord]
        /// The newest: the code a wait returns.
        public var newest: CodeRecord { records[records.count - 1] }
        /// The oldest: the first code of a flow sent more than once.
        public var oldest: CodeRecord { records[0] }
        /// All but the newest: the codes it superseded.
        public var superseded: [CodeRecord] { Array(records.dropLast()) }
    }

    /// ``waitForCode(matching:timeout:)``, returning every matching record it took, not only the newest.
    public func waitForCodes(matching filter: Filter, timeout: Duration) async throws -> Collected {
        let deadline = ContinuousClock.now + timeout
        var matched: [(record: CodeRecord, receiptHandle: String, sent: Int, order: Int)] = []
        var seen = Seen()
        // A record of the user this wait is for, from before `since`, is theirs to see again (and
        // purge's to find); a filter with no user or trigger has no such records of its own.
        var filterWithoutSince = filter
        filterWithoutSince.since = nil
        let namesItsUser = filter.phoneNumber != nil || filter.email != nil || filter.userName != nil || filter.userPoolId != nil || filter.trigger != nil
        let sqs = self.sqs, queueUrl = self.queueUrl
        // A long poll that outlives the deadline would be abandoned while SQS can still hand it
        // messages, hiding them from every reader for the visibility timeout: each poll ends this
        // much before the deadline (the last one is a short poll).
        let margin = Duration.milliseconds(500)
        while true {
            let usable = deadline - ContinuousClock.now - margin
            guard usable > .zero else { break }
            let wait = min(matched.isEmpty ? 20 : 1, Int(usable.components.seconds))
            var newMatches = 0
            // Cut off only a poll SQS fails to answer: a loaded endpoint's slow answer is still
            // taken, at most `answerGrace` after the deadline.
            guard
                let batch = try await Self.bounded(
                    by: deadline + Self.answerGrace,
                    {
                        try await sqs.receiveMessage(queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: wait, visibilityTimeout: 30)
                    })
            else { break }
            for message in batch {
                let record = Self.record(fromBody: message.body)
                guard let record, filter.matches(record) else {
                    seen.note(record)
                    guard let record, (namesItsUser && filterWithoutSince.matches(record)) || !isStale(record) else { continue }
                    // Best effort: its own waiter may have taken and deleted it meanwhile
                    // (ReceiptHandleIsInvalid), and a failed release only delays it by the visibility timeout.
                    try? await sqs.changeMessageVisibility(queueUrl: queueUrl, receiptHandle: message.receiptHandle, visibilityTimeout: 0)
                    continue
                }
                matched.append((record, message.receiptHandle, Int(message.attributes["SentTimestamp"] ?? "") ?? 0, matched.count))
                newMatches += 1
            }
            if !matched.isEmpty && newMatches == 0 { break }
        }
        // Ordered by the sender's time, then by when SQS got it, then by when it was received.
        let ordered = matched.sorted { ($0.record.date ?? .distantPast, $0.sent, $0.order) < ($1.record.date ?? .distantPast, $1.sent, $1.order) }
        guard !ordered.isEmpty else { throw TimedOut(seconds: Int(timeout.components.seconds), seen: seen) }
        // A repeated delivery is the same record: kept once, where it came last.
        var distinct: [CodeRecord] = []
        for entry in ordered.reversed() where !distinct.contains(entry.record) { distinct.insert(entry.record, at: 0) }
        // The deletes are bounded by the deadline too (all at once, with the same grace as a poll):
        // the code is in hand, and a copy whose delete did not finish comes back after the
        // visibility timeout as an older match, which the next wait consumes as stale.
        let handles = matched.map(\.receiptHandle)
        _ = try await Self.bounded(by: max(deadline, ContinuousClock.now) + Self.answerGrace) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for handle in handles { group.addTask { try await sqs.deleteMessage(queueUrl: queueUrl, receiptHandle: handle) } }
                try await group.waitForAll()
            }
        }
        return Collected(records: distinct)
    }

    /// Listens for `duration` and returns the matching records that arrived, each once; empty when
    /// none did (what `expect-none` asserts). Nothing is consumed: a matching record is hidden
    /// while the listening lasts (so it is counted once) and released at the end, and everyone
    /// else's is released at once, as a wait releases it.
    public func expectNone(matching filter: Filter, for duration: Duration) async throws -> [CodeRecord] {
        let deadline = ContinuousClock.now + duration
        var found: [CodeRecord] = []
        var held: [String] = []
        let sqs = self.sqs, queueUrl = self.queueUrl
        let margin = Duration.milliseconds(500)
        while true {
            let usable = deadline - ContinuousClock.now - margin
            guard usable > .zero else { break }
            // Hidden until well after the listening ends, so no match is received twice meanwhile.
            let hide = Int((deadline - ContinuousClock.now).components.seconds) + 30
            guard
                let batch = try await Self.bounded(
                    by: deadline + Self.answerGrace,
                    {
                        try await sqs.receiveMessage(
                            queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: min(20, Int(usable.components.seconds)), visibilityTimeout: hide)
                    })
            else { break }
            var othersOnly = !batch.isEmpty
            for message in batch {
                if let record = Self.record(fromBody: message.body), filter.matches(record) {
                    if !found.contains(record) { found.append(record) }
                    held.append(message.receiptHandle)
                    othersOnly = false
                } else {
                    try? await sqs.changeMessageVisibility(queueUrl: queueUrl, receiptHandle: message.receiptHandle, visibilityTimeout: 0)
                }
            }
            // Released, others' codes come straight back: a pause keeps this from spinning on them.
            if othersOnly { try await Task.sleep(for: .milliseconds(250)) }
        }
        for handle in held {
            try? await sqs.changeMessageVisibility(queueUrl: queueUrl, receiptHandle: handle, visibilityTimeout: 0)
        }
        return found
    }

    /// How long past the deadline a poll's answer is still awaited before the poll is abandoned
    /// (an abandoned poll can still be handed messages, which then stay hidden from every reader).
    static let answerGrace: Duration = .seconds(2)

    /// Runs `call` until `deadline`; nil when the deadline came first (the call is cancelled). A
    /// call's own timeouts and retries can outlast a wait's deadline: an endpoint that accepts and
    /// never answers would hold a five-second wait for minutes. A poll that SQS answers ends before
    /// the deadline, so only such a call is cut off.
    static func bounded<T: Sendable>(by deadline: ContinuousClock.Instant, _ call: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await call() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Older than ``staleAfter``, or of no known time.
    func isStale(_ record: CodeRecord) -> Bool {
        guard let date = record.date else { return true }
        return Date().timeIntervalSince(date) >= Double(staleAfter.components.seconds)
    }

    /// Deletes every matching code in the inbox now, and releases the others: what a test runs
    /// before it starts, so that no code of an earlier run can answer its wait. Returns how many.
    public func purge(matching filter: Filter) async throws -> Int {
        var purged = 0
        // Others' messages stay hidden until the purge ends, so that each receive sees the rest of
        // the queue; then they are released at once.
        var heldBack: [String] = []
        while true {
            let batch = try await sqs.receiveMessage(queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 1, visibilityTimeout: 60)
            if batch.isEmpty { break }
            for message in batch {
                if let record = Self.record(fromBody: message.body), filter.matches(record) {
                    try await sqs.deleteMessage(queueUrl: queueUrl, receiptHandle: message.receiptHandle)
                    purged += 1
                } else {
                    heldBack.append(message.receiptHandle)
                }
            }
        }
        for handle in heldBack {
            try? await sqs.changeMessageVisibility(queueUrl: queueUrl, receiptHandle: handle, visibilityTimeout: 0)
        }
        return purged
    }
}
