import ArgumentParser
import Foundation
import Logging
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthIdP
import SampleServices
import ServiceLifecycle

/// `serviceauth idp`: the local Cognito- and STS-compatible issuer.
struct IdPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idp",
        abstract: "Run the local Cognito- and STS-compatible issuer.",
        discussion: """
            Without --config, runs the built-in demo configuration (users alice, bob and carol; \
            clients gateway, orders-service and web; IAM users orders-service and reports-service). \
            Prints "listening on http://HOST:PORT" (https with --tls-cert) when ready; SIGTERM or SIGINT stop it gracefully. \
            No route serves key material or changes state without authentication: the /local/* \
            routes exist only with --admin-token (or --admin-token-file).
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
        help: ArgumentHelp(
            "Write the STS session-token key (base64, mode 0600) to this file before listening, for services started with --trust-issuer-sts FILE.",
            valueName: "file"
        )
    )
    var sessionKeyFile: String?

    @Option(
        name: .customLong("admin-token"),
        help: ArgumentHelp(
            "Enable the administrative routes (POST /local/rotate-keys, GET /local/sts-session-key) for callers sending Authorization: Bearer TOKEN (at least 16 characters). Without it (or --admin-token-file) they do not exist.",
            valueName: "token"
        )
    )
    var adminToken: String?

    @Option(
        name: .customLong("admin-token-file"),
        help: ArgumentHelp("Read the admin token from this file (first line), so it does not appear in the process list.", valueName: "file")
    )
    var adminTokenFile: String?

    /// `--tls-cert`, `--tls-key`, `--tls-ca`, `--require-client-cert`, `--http2`. With a client
    /// certificate (mutual TLS), tokens from `/oauth2/token` are bound to it (RFC 8705).
    @OptionGroup var tls: TLSOptions

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

        let token = Self.resolveAdminToken(flag: adminToken, file: adminTokenFile)
        let issuer: LocalIssuer
        do {
            issuer = try LocalIssuer(
                configuration: configuration,
                options: LocalIssuer.Options(issuerBase: issuerBase, adminToken: token, logger: logger)
            )
        } catch let error as IdPConfigurationError where error.key == "adminToken" {
            Self.fail("\(adminTokenFile == nil ? "--admin-token" : "--admin-token-file"): \(error.message)")
        }
        if let sessionKeyFile {
            // Written before the server starts, so a script that waits for the readiness line
            // can read the key right away; a key that cannot be written is a start-up failure.
            do {
                try issuer.writeSessionKey(toFile: sessionKeyFile)
            } catch {
                Self.fail("--session-key-file: \(error)")
            }
        }
        let serverTLS: TLSServerConfiguration?
        do {
            serverTLS = try tls.serverTLS()
        } catch {
            Self.fail("\(error)")
        }
        let service = LocalIssuerService(
            issuer: issuer, host: host, port: port, tls: serverTLS, cleartextHTTP2: tls.cleartextHTTP2, logger: logger
        ) { url in
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

    /// The admin token from `--admin-token` or `--admin-token-file` (one of them), or `nil`.
    static func resolveAdminToken(flag: String?, file: String?) -> String? {
        switch (flag, file) {
        case (nil, nil): return nil
        case (let token?, nil): return token
        case (nil, let path?):
            guard let data = FileManager.default.contents(atPath: path), data.count <= 4096 else {
                fail("--admin-token-file: cannot read \(path)")
            }
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return line.trimmingCharacters(in: .whitespaces)
        case (_?, _?): fail("--admin-token and --admin-token-file: give one of them")
        }
    }

    /// Prints a usage or configuration error naming the bad flag/key and exits 2 (CONTRACT.md).
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("serviceauth idp: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
