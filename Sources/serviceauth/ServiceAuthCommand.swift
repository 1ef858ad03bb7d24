import ArgumentParser

/// `serviceauth`: verify tokens, run the local issuer, run the demo.
@main
struct ServiceAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serviceauth",
        abstract: "Zero-trust service-to-service authentication tools.",
        subcommands: [
            // Each subcommand lives in its own file: VerifyCommand, IdPCommand, DemoCommand.
            VerifyCommand.self,
        ]
    )
}
