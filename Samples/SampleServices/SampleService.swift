import Foundation
import HTTPTypes
import Logging
import ServiceAuth
public import ServiceAuthHTTP
public import ServiceLifecycle
import Synchronization

/// One sample service, assembled and ready to run standalone or in-process (the demo).
///
/// Every sample has the same outer shape (CONTRACT.md): `/healthz` (503 until its keys are
/// loaded), `/metrics`, `/whoami` — and authenticates every other request before routing.
public struct SampleService: Sendable {
    /// The service's name (`gateway`, `orders`, `inventory`).
    public let name: String
    /// The HTTP server.
    public let server: HTTPServer
    /// Long-running helpers (e.g. JWKS refreshers) to run beside the server.
    public let companions: [any Service]
    /// Loads what the service needs before it is ready (e.g. the issuer's keys).
    let prepare: @Sendable () async throws -> Void
    let readiness: ReadinessFlag
    let logger: Logger

    /// Assembles a service.
    ///
    /// - Parameters:
    ///   - name: The service's name.
    ///   - configuration: The server's address and limits.
    ///   - security: Who may call the service: it guards `/whoami`, the business routes and
    ///     unmatched paths; `/healthz` and `/metrics` are public.
    ///   - metrics: The service's metrics.
    ///   - companions: Long-running helpers.
    ///   - prepare: Loads what the service needs before it is ready.
    ///   - routes: Adds the business routes (they get `security`).
    init(
        name: String,
        configuration: HTTPServerConfiguration,
        security: RouteSecurity,
        metrics: ServiceMetrics,
        companions: [any Service] = [],
        prepare: @escaping @Sendable () async throws -> Void = {},
        routes: (inout Router) -> Void
    ) {
        let readiness = ReadinessFlag()
        var router = Router(security: security)
        router.group(security: .public) { open in
            open.get("/healthz") { _, _, _ in
                readiness.isReady ? Responses.text("ok\n") : Responses.text("not ready\n", status: .serviceUnavailable)
            }
            open.get("/metrics") { _, _, _ in
                Responses.bytes(metrics.render(), contentType: "text/plain; version=0.0.4")
            }
        }
        let whoami: RouteHandler = { _, _, context in
            Responses.bytes(WhoAmI(service: name, auth: context.auth).jsonBytes, contentType: "application/json")
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on(method, "/whoami", whoami)
            router.on(method, "/whoami/**", whoami)
        }
        routes(&router)
        self.name = name
        self.logger = Logger(label: "serviceauth.sample.\(name)")
        self.server = HTTPServer(
            configuration: configuration,
            router: router,
            middleware: [MetricsMiddleware(metrics: metrics)],
            logger: logger
        )
        self.companions = companions
        self.prepare = prepare
        self.readiness = readiness
    }

    /// Loads keys (retrying while the issuer is unreachable) and marks the service ready.
    ///
    /// - Parameter retryDelay: The pause between attempts.
    public func becomeReady(retryDelay: Duration = .milliseconds(500)) async throws {
        while true {
            do {
                try await prepare()
                readiness.markReady()
                return
            } catch {
                try Task.checkCancellation()
                logger.warning("not ready yet", metadata: ["reason": "\(error)"])
                try await Task.sleep(for: retryDelay)
            }
        }
    }

    /// Runs the service in-process (the demo, tests): serves until cancelled or shut down.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.run() }
            for companion in companions { group.addTask { try await companion.run() } }
        }
    }

    /// Whether the service has loaded what it needs.
    public var isReady: Bool { readiness.isReady }

    /// The bound port, once listening.
    public func port() async throws -> Int { try await server.listeningPort() }

    /// Runs the service standalone: serves, becomes ready, prints `listening on http://HOST:PORT`,
    /// and exits cleanly on SIGTERM/SIGINT after finishing in-flight requests.
    public func runStandalone() async throws {
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server)] + companions.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return true
            }
            tasks.addTask {
                let port = try await server.listeningPort()
                try await becomeReady()
                // Written unbuffered: scripts wait for this exact line (CONTRACT.md).
                let scheme = server.configuration.tls == nil ? "http" : "https"
                FileHandle.standardOutput.write(Data("listening on \(scheme)://\(server.configuration.host):\(port)\n".utf8))
                return false
            }
            // When the service group ends (SIGTERM, SIGINT), stop waiting for readiness too.
            while let serviceGroupEnded = try await tasks.next() {
                if serviceGroupEnded {
                    tasks.cancelAll()
                    return
                }
            }
        }
    }
}

/// Whether a service is ready to take traffic.
final class ReadinessFlag: Sendable {
    private let ready = Mutex(false)
    var isReady: Bool { ready.withLock { $0 } }
    func markReady() { ready.withLock { $0 = true } }
}
