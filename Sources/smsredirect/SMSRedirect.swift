import ArgumentParser

/// The `smsredirect` command line tool.
@main
struct SMSRedirect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsredirect",
        abstract: "Develop and test Cognito SMS flows with messages redirected to an inbox.",
        subcommands: [Demo.self, Simulate.self, WaitCode.self, Inbox.self, Attach.self, Detach.self, Journal.self, Decrypt.self, Invoke.self]
    )
}
