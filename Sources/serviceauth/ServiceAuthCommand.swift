import ArgumentParser
import SampleServices

/// `serviceauth`: verify tokens, run the local issuer, run the demo, make mTLS certificates.
@main
struct ServiceAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serviceauth",
        abstract: "Zero-trust service-to-service authentication tools.",
        subcommands: [
            // Each subcommand lives in its own file.
            VerifyCommand.self,
            IdPCommand.self,
            DemoCommand.self,
            CertsCommand.self,
        ]
    )

    /// Usage errors exit 2 as CONTRACT.md says (ArgumentParser alone would use 64).
    static func main() async { await CommandRunner.main(Self.self) }
}
