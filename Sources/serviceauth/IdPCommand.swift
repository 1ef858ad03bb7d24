import ArgumentParser
import Foundation
import Logging
import ServiceAuth
import ServiceAuthIdP
import ServiceLifecycle

/// `serviceauth idp`: the local Cognito- and STS-compatible issuer.
struct IdPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idp",
        abstract: "Run the local Cognito- and STS-compatible issuer.",
        discussion: """
            Without --config, runs the built-in demo configuration (users alice, bob and carol; \
            clients gateway, orders-service and web; IAM users orders-service and reports-service). \
            Prints "listening on http://HOST:PORT" when ready; SIGTERM or SIGINT stop it gracefully.
            """
    )

    @Option(help: "The configuration file (JSON, see CONTRACT.md). Default: the built-in demo configuration.")
    var config: String?

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    // Parsed by hand so that a bad value exits 2 naming the flag, as CONTRACT.md asks
    // (ArgumentParser's own parse errors exit 64).
    @Option(help: ArgumentHelp("The port to listen on (0 = any free port).", valueName: "port"))
    var port: String = "0"

    @Option(name: .customLong("issuer-base"), help: "The base URL of the iss claim (default http://HOST:PORT).")
    var issuerBase: String?

    @Option(
        name: .customLong("session-key-file"),
        help: "Write the STS session-token key (base64) to this file once listening, for services started with --trust-issuer-sts FILE."
    )
    var sessionKeyFile: String?

    func run() async throws {
        let logger = Logger(label: "serviceauth.idp", factory: { StreamLogHandler.standardError(label: $0) })
        let configuration: IdPConfiguration
        do {
            if let config {
                configuration = try IdPConfiguration.load(contentsOf: URL(fileURLWithPath: config))
            } else {
                configuration = .demo
            }
        } catch {
            Self.fail("invalid --config: \(error.description)")
        }
        guard let port = Int(port), (0...65535).contains(port) else { Self.fail("--port: must be an integer between 0 and 65535") }
        if let issuerBase, !(issuerBase.hasPrefix("http://") || issuerBase.hasPrefix("https://")) {
            Self.fail("--issuer-base: must be an http(s) URL")
        }

        let issuer = try LocalIssuer(
            configuration: configuration,
            options: LocalIssuer.Options(issuerBase: issuerBase, logger: logger)
        )
        let keyFile = sessionKeyFile
        let service = LocalIssuerService(issuer: issuer, host: host, port: port, logger: logger) { url in
            if let keyFile {
                // Written before announcing readiness, so a script that waits for the line can
                // read the key right away. Owner-only permissions: the key mints credentials.
                let written = FileManager.default.createFile(
                    atPath: keyFile, contents: Data((issuer.exportedSessionKey + "\n").utf8), attributes: [.posixPermissions: 0o600]
                )
                if !written { logger.error("could not write --session-key-file", metadata: ["path": "\(keyFile)"]) }
            }
            // Unbuffered, so a parent process sees the line at once.
            FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// Prints a usage or configuration error naming the bad flag/key and exits 2 (CONTRACT.md).
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("serviceauth idp: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
