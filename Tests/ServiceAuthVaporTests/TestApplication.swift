import AdapterTestSupport
import AsyncHTTPClient
import HTTPTypes
import ServiceAuth
import ServiceAuthVapor
import Testing
import Vapor
import VaporTesting

/// How a test reaches the application: Vapor's in-memory responder, or a real server bound
/// on 127.0.0.1 port 0 and called with AsyncHTTPClient.
enum Mode: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory
    case loopback

    var testDescription: String { rawValue }
}

/// A response, whichever way it came.
struct Reply: Sendable {
    var status: UInt
    var headers: HTTPHeaders
    var text: String
    var challenges: [String] { headers[.wwwAuthenticate] }
}

/// Sends requests to a running test application.
struct Caller: Sendable {
    let app: Application
    let mode: Mode
    let port: Int
    let client: HTTPClient?

    /// The `Host` the requests carry (and SigV4 signs).
    var authority: String { mode == .loopback ? "127.0.0.1:\(port)" : "localhost" }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPFields = [:], body: [UInt8] = []) async throws -> Reply {
        var vaporHeaders = HTTPHeaders()
        for field in headers { vaporHeaders.add(name: field.name.rawName, value: field.value) }
        switch mode {
        case .inMemory:
            vaporHeaders.replaceOrAdd(name: .host, value: authority)
            let response = try await app.testing().sendRequest(method, path, headers: vaporHeaders, body: ByteBuffer(bytes: body))
            return Reply(status: response.status.code, headers: response.headers, text: response.body.string)
        case .loopback:
            var request = HTTPClientRequest(url: "http://\(authority)\(path)")
            request.method = method
            request.headers = vaporHeaders
            if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
            let response = try await client!.execute(request, timeout: .seconds(10))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
            return Reply(status: response.status.code, headers: response.headers, text: text)
        }
    }

    /// Signature fields for this caller's `Host`.
    func signed(_ method: HTTPRequest.Method, _ path: String, body: [UInt8] = [], as credentials: AWSCredentials) -> HTTPFields {
        TestSigV4.signedFields(method, path, body: body, as: credentials, authority: authority)
    }
}

/// The application under test.
enum TestApplication {
    static let bearer = BearerTokenAuthenticator(verifier: TestTokens.verifier)
    static let sigV4 = SigV4Authenticator(verifier: TestSigV4.verifier, maxBodyBytes: 64)
    static let reportsPolicy: ServiceAuth.AuthorizationPolicy = .scopes("orders/read") || .principals(TestSigV4.reportsRole)

    static func routes(_ app: Application) {
        // JWT with scope orders/read: authenticator, then policy.
        app.grouped(ServiceAuthAuthenticatorMiddleware(bearer), ServiceAuthPolicyMiddleware(.scopes("orders/read"), authenticators: [bearer]))
            .get("jwt", "orders") { req async in
                "caller=\(req.serviceAuth?.caller?.subject ?? "-") current=\(AuthContext.current?.caller?.subject ?? "-")"
            }

        // The same with a synchronous handler: it runs on the event loop, outside the
        // middleware's task, and sees AuthContext.current only through Vapor's
        // traceAutoPropagation (request.serviceContext).
        app.grouped(ServiceAuthAuthenticatorMiddleware(bearer), ServiceAuthPolicyMiddleware(.scopes("orders/read"), authenticators: [bearer]))
            .get("jwt", "orders-sync") { req in
                "caller=\(req.serviceAuth?.caller?.subject ?? "-") current=\(AuthContext.current?.caller?.subject ?? "-")"
            }

        // SigV4 from the writer role; the handler echoes the verified body.
        app.grouped(ServiceAuthAuthenticatorMiddleware(sigV4), ServiceAuthPolicyMiddleware(.principals(TestSigV4.writerRole), authenticators: [sigV4]))
            .post("sigv4", "items") { req async in
                "\(req.serviceAuth?.caller?.principal ?? "-") \(req.body.string ?? "")"
            }

        // "JWT with scope orders/read OR SigV4 from role reports", in one middleware …
        app.grouped(RouteSecurityMiddleware(RouteSecurity([bearer, sigV4], policy: reportsPolicy)))
            .get("reports", "daily") { req async in describeCaller(req) }
        // … and in three.
        app.grouped(
            ServiceAuthAuthenticatorMiddleware(bearer), ServiceAuthAuthenticatorMiddleware(sigV4),
            ServiceAuthPolicyMiddleware(reportsPolicy, authenticators: [bearer, sigV4])
        ).get("reports-stepwise", "daily") { req async in describeCaller(req) }

        // Vapor's own guard after a ServiceAuthAuthenticatorMiddleware.
        app.grouped(ServiceAuthAuthenticatorMiddleware(bearer), AuthContext.guardMiddleware())
            .get("guarded", "ping") { _ in "pong" }
    }

    static func describeCaller(_ req: Request) -> String {
        let caller = req.serviceAuth?.caller
        return "\(caller?.kind.rawValue ?? "-") \(caller?.principal ?? caller?.subject ?? "-") current=\(AuthContext.current?.isAuthenticated == true)"
    }

    /// Runs `test` against the application reached in `mode`.
    static func run(_ mode: Mode, traceAutoPropagation: Bool = false, _ test: (Caller) async throws -> Void) async throws {
        try await withApp { app in
            app.logger.logLevel = .critical
            app.traceAutoPropagation = traceAutoPropagation
            routes(app)
            guard mode == .loopback else {
                return try await test(Caller(app: app, mode: mode, port: 0, client: nil))
            }
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            do {
                let port = try #require(app.http.server.shared.localAddress?.port)
                try await test(Caller(app: app, mode: mode, port: port, client: client))
            } catch {
                try? await client.shutdown()
                await app.server.shutdown()
                throw error
            }
            try await client.shutdown()
            await app.server.shutdown()
        }
    }
}

/// Authorization header fields for a bearer token.
func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
