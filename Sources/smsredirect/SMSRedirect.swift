import ArgumentParser

/// The `smsredirect` command line tool (started from main.swift).
struct SMSRedirect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsredirect",
        abstract: "Develop and test Cognito SMS flows with messages redirected to an inbox.",
        version: Release.version,
        subcommands: [
            Demo.self, Simulate.self, WaitCode.self, Inbox.self, Attach.self, Detach.self, Journal.self, Decrypt.self, Invoke.self, DoctorCommand.self,
            Deploy.self, Destroy.self, Status.self, ExpectNone.self,
        ]
    )
}
