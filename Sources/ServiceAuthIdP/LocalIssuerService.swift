public import Logging
public import ServiceAuthHTTP
public import ServiceLifecycle

/// Runs a ``LocalIssuer`` on the package's HTTP server as a swift-service-lifecycle `Service`.
///
/// Once the listening port is known it fixes the issuer's base URL (unless one was configured)
/// and calls `onListening` with `http://HOST:PORT`; graceful shutdown stops accepting
/// connections and lets in-flight requests finish.
public struct LocalIssuerService: Service {
    /// The issuer being served.
    public let issuer: LocalIssuer
    private let server: HTTPServer
    private let host: String
    private let onListening: @Sendable (String) -> Void

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - issuer: The issuer.
    ///   - host: The address to listen on (default `127.0.0.1`).
    ///   - tls: TLS (and mutual TLS: a client certificate on `/oauth2/token` binds the token to
    ///     it, RFC 8705), or `nil` for cleartext.
    ///   - cleartextHTTP2: Whether cleartext connections may speak h2c.
    ///   - port: The port (0 = any free port).
    ///   - logger: The server's logger.
    ///   - onListening: Called once with the base URL when the server accepts connections.
    public init(
        issuer: LocalIssuer,
        host: String = "127.0.0.1",
        port: Int = 0,
        tls: TLSServerConfiguration? = nil,
        cleartextHTTP2: Bool = false,
        logger: Logger = Logger(label: "serviceauth.idp"),
        onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.issuer = issuer
        self.host = host
        self.onListening = onListening
        server = HTTPServer(
            configuration: HTTPServerConfiguration(host: host, port: port, tls: tls, cleartextHTTP2: cleartextHTTP2),
            router: issuer.router(),
            middleware: [],
            logger: logger
        )
    }

    /// Serves until graceful shutdown or cancellation.
    ///
    /// - Throws: The server's errors (e.g. the port is in use).
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            let urlHost = host.contains(":") ? "[\(host)]" : host
            let url = "\(server.configuration.tls == nil ? "http" : "https")://\(urlHost):\(port)"
            if issuer.issuerBase == nil { issuer.setIssuerBase(url) }
            onListening(url)
            try await group.next()
            group.cancelAll()
        }
    }
}
