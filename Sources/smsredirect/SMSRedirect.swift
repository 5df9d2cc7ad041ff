import ArgumentParser

/// The project CLI. Only `decrypt` lives in this package; the main package adds the rest.
@main
struct SMSRedirect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsredirect",
        abstract: "Cognito SMS redirect tools.",
        subcommands: [Decrypt.self]
    )
}
