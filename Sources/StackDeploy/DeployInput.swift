import AWSCore
import Foundation

/// What `smsredirect deploy` is asked to deploy, checked before any AWS call.
public struct DeployInput: Sendable, Equatable {
    /// The stack's name.
    public var stackName: String
    /// The address that receives every code (`EmailAddress`).
    public var email: String
    /// An existing pool to redirect (the existing-pool template); nil creates a pool.
    public var userPoolId: String?
    /// The existing pool's SMS role (`SMSRoleArn`), when it has one.
    public var smsRoleArn: String?
    /// Whether email codes are redirected too (`RedirectEmail`).
    public var redirectEmail: Bool
    /// Whether the SQS code inbox is created (`CreateCodeInbox`).
    public var createCodeInbox: Bool
    /// Whether the watch puts back a redirect a later UpdateUserPool removed (`KeepRedirect`); it reports it either way.
    public var keepRedirect: Bool
    /// How often the watch checks (`WatchSchedule`, an EventBridge schedule expression); nil keeps the template's default.
    public var watchSchedule: String?
    /// The E.164 prefixes whose codes are redirected (`RedirectOnly`, comma-separated); nil or empty: every number.
    public var redirectOnly: String?
    /// The region the stack goes to.
    public var region: String

    /// The input as given.
    public init(
        stackName: String, email: String, userPoolId: String? = nil, smsRoleArn: String? = nil, redirectEmail: Bool = false,
        createCodeInbox: Bool = true, keepRedirect: Bool = false, watchSchedule: String? = nil, redirectOnly: String? = nil, region: String
    ) {
        self.stackName = stackName
        self.email = email
        self.userPoolId = userPoolId
        self.smsRoleArn = smsRoleArn
        self.redirectEmail = redirectEmail
        self.createCodeInbox = createCodeInbox
        self.keepRedirect = keepRedirect
        self.watchSchedule = watchSchedule
        self.redirectOnly = redirectOnly
        self.region = region
    }

    /// The template this input deploys.
    public var template: StackTemplate { userPoolId == nil ? .newUserPool : .existingUserPool }

    /// The stack's parameters.
    public var parameters: [String: String] {
        var parameters = [
            "EmailAddress": email, "RedirectEmail": redirectEmail ? "true" : "false", "CreateCodeInbox": createCodeInbox ? "true" : "false",
            "KeepRedirect": keepRedirect ? "true" : "false",
        ]
        if let watchSchedule { parameters["WatchSchedule"] = watchSchedule }
        if let redirectOnly { parameters["RedirectOnly"] = redirectOnly }
        if let userPoolId {
            parameters["UserPoolId"] = userPoolId
            parameters["SMSRoleArn"] = smsRoleArn ?? ""
        }
        return parameters
    }

    /// The templates' rules, as their parameters state them (TemplateTests keeps the two equal).
    public enum Rules {
        /// `Metadata.SMSRedirect.MaxStackNameLength`: the helper's names are built from the stack's.
        public static let maxStackNameLength = 48
        /// CloudFormation's stack name pattern.
        public static let stackName = "[a-zA-Z][-a-zA-Z0-9]*"
        /// `EmailAddress`'s AllowedPattern.
        public static let email = #"[^\s@]+@[^\s@]+\.[^\s@]+"#
        /// `UserPoolId`'s AllowedPattern.
        public static let userPoolId = #"[\w-]+_[0-9a-zA-Z]+"#
        /// `SMSRoleArn`'s AllowedPattern.
        public static let smsRoleArn = #"(arn:[a-z-]+:iam::[0-9]{12}:role/[\w+=,.@/-]+)?"#
        /// `WatchSchedule`'s AllowedPattern: an EventBridge schedule expression.
        public static let watchSchedule = #"(rate|cron)\(.+\)"#
        /// `RedirectOnly`'s AllowedPattern: E.164 prefixes, comma-separated, or nothing.
        public static let redirectOnly = #"(\+[0-9]{1,15}( *, *\+[0-9]{1,15})*)?"#
        /// An AWS Region name.
        public static let region = "[a-z]{2,}(-[a-z]+)+-[0-9]+"
    }

    /// Everything wrong with the input, each naming the value and what to give instead; empty when it can be deployed.
    public var problems: [DeployInputProblem] {
        var problems: [DeployInputProblem] = []
        if stackName.isEmpty {
            problems.append(.missing("--stack", example: "--stack sms-redirect"))
        } else if !Self.matches(Rules.stackName, stackName) {
            problems.append(.invalid("--stack", stackName, rule: "a stack name starts with a letter and holds only letters, digits and hyphens"))
        } else if stackName.count > Rules.maxStackNameLength {
            problems.append(
                .invalid("--stack", stackName, rule: "it has \(stackName.count) characters; these stacks allow at most \(Rules.maxStackNameLength)"))
        }
        if email.isEmpty {
            problems.append(.missing("--email", example: "--email you@example.com"))
        } else if !Self.matches(Rules.email, email) {
            problems.append(.invalid("--email", email, rule: "an email address such as you@example.com receives the codes"))
        }
        if let userPoolId {
            if !Self.matches(Rules.userPoolId, userPoolId) {
                problems.append(.invalid("--user-pool-id", userPoolId, rule: "a user pool id such as eu-west-1_AbC123 (copy it from the Cognito console)"))
            } else if let poolRegion = userPoolId.split(separator: "_").first.map(String.init), poolRegion != region {
                problems.append(
                    .invalid(
                        "--user-pool-id", userPoolId,
                        rule:
                            "the pool is in \(poolRegion) and the stack would go to \(region): the stack must be in the pool's region (set AWS_REGION=\(poolRegion))"
                    ))
            }
            if let smsRoleArn, !Self.matches(Rules.smsRoleArn, smsRoleArn) {
                problems.append(
                    .invalid(
                        "--sms-role-arn", smsRoleArn,
                        rule: "an IAM role ARN such as arn:aws:iam::123456789012:role/my-pool-sms (the pool's Messaging settings show it)"))
            }
        } else if smsRoleArn != nil {
            problems.append(
                .invalid(
                    "--sms-role-arn", smsRoleArn ?? "",
                    rule: "it is the SMS role of an existing pool: give --user-pool-id too, or leave it out to create a pool (which gets a role of its own)"))
        }
        if let watchSchedule, !Self.matches(Rules.watchSchedule, watchSchedule) {
            problems.append(
                .invalid(
                    "--watch-schedule", watchSchedule, rule: "an EventBridge schedule expression such as rate(1 hour), rate(15 minutes) or cron(0 8 * * ? *)"))
        }
        if let redirectOnly, !Self.matches(Rules.redirectOnly, redirectOnly) {
            problems.append(.invalid("--redirect-only", redirectOnly, rule: "E.164 prefixes separated by commas, such as +1555 or +1555,+447700900"))
        }
        if !Self.matches(Rules.region, region) {
            problems.append(.invalid("region", region, rule: "an AWS Region name such as eu-west-1 (set AWS_REGION)"))
        }
        return problems
    }

    static func matches(_ pattern: String, _ value: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return value.wholeMatch(of: regex) != nil
    }
}

/// One thing wrong with a deploy's input.
public enum DeployInputProblem: Sendable, Equatable, CustomStringConvertible {
    /// A required value was not given.
    case missing(_ option: String, example: String)
    /// A value breaks a rule.
    case invalid(_ option: String, _ value: String, rule: String)

    /// What was wrong and what to give instead.
    public var description: String {
        switch self {
        case let .missing(option, example): "\(option) is required: \(example)"
        case let .invalid(option, value, rule): "\(option) '\(value.printablePrefix(96))' will not do: \(rule)"
        }
    }
}
