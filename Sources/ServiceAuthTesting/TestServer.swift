public import ServiceAuthCore
public import ServiceAuthHTTP

/// Runs `body` against a live ``HTTPServer`` on a free loopback port, then shuts it down.
///
/// - Parameters:
///   - router: The routes.
///   - middleware: Server middleware, outermost first.
///   - configuration: Limits; the host and port are forced to `127.0.0.1` and `0`.
///   - body: The test, given the server's base URL (`http://127.0.0.1:PORT`, `https://` with TLS).
/// - Returns: What `body` returns.
/// - Throws: What binding or `body` throws.
public func withTestServer<T: Sendable>(
    router: Router,
    middleware: [any ServerMiddleware] = [],
    configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    _ body: (_ baseURL: String) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let server = HTTPServer(configuration: configuration, router: router, middleware: middleware)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer { group.cancelAll() }
        let port = try await server.listeningPort()
        return try await body("\(configuration.tls == nil ? "http" : "https")://127.0.0.1:\(port)")
    }
}
