import ArgumentParser
import Logging
import SampleServices

/// `serviceauth demo`: the issuer and the three sample services in one process, and the
/// scenarios of the multi-hop chain.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the local issuer, gateway, orders and inventory on free loopback ports and check the chain's scenarios.",
        discussion: "Exits 0 only if every scenario gave the expected result."
    )

    @Flag(help: "Show the services' logs (warnings and above) on stderr.")
    var verbose = false

    @Flag(help: "Run every hop over mutual TLS and HTTP/2 (a throwaway CA and per-service certificates made in-process), with the scenarios that adds.")
    var tls = false

    func run() async throws {
        let level: Logger.Level = verbose ? .warning : .critical
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let passed = try await DemoRunner.run(tls: tls)
        if !passed { throw ExitCode(1) }
    }
}
