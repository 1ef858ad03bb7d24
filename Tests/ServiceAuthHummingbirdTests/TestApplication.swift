import AdapterTestSupport
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import Logging
import NIOCore
import ServiceAuth
import ServiceAuthHummingbird
import Testing

/// How a test reaches the application: in process, or over a real loopback connection.
enum Mode: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case router
    case live

    var setup: TestingSetup { self == .router ? .router : .live }
    var testDescription: String { rawValue }
}

/// The application under test: one route group per way of securing a route.
enum TestApplication {
    static let bearer = BearerTokenAuthenticator(verifier: TestTokens.verifier)
    static let sigV4 = SigV4Authenticator(verifier: TestSigV4.verifier, maxBodyBytes: 64)
    static let propagated = PropagatedUserAuthenticator(verifier: TestTokens.verifier)

    static func make() -> some ApplicationProtocol {
        let router = Router(context: BasicServiceAuthRequestContext.self)

        // JWT with scope orders/read, in two steps: authenticator, then policy.
        router.group("jwt")
            .add(middleware: ServiceAuthAuthenticator(bearer))
            .add(middleware: ServiceAuthPolicyMiddleware(.scopes("orders/read"), authenticators: [bearer]))
            .get("orders") { _, context in
                let identity = try context.requireIdentity()
                return "caller=\(identity.caller?.subject ?? "-") current=\(AuthContext.current?.caller?.subject ?? "-")"
            }

        // SigV4 from the writer role; the handler echoes the verified body.
        router.group("sigv4")
            .add(middleware: ServiceAuthAuthenticator(sigV4))
            .add(middleware: ServiceAuthPolicyMiddleware(.principals(TestSigV4.writerRole), authenticators: [sigV4]))
            .post("items") { request, context in
                var request = request
                let body = try await request.collectBody(upTo: 1024)
                let principal = context.identity?.caller?.principal ?? "-"
                return "\(principal) \(String(buffer: body))"
            }

        // A service caller propagating its end user.
        router.group("propagated")
            .add(middleware: ServiceAuthAuthenticator(bearer))
            .add(middleware: ServiceAuthAuthenticator(propagated))
            .add(middleware: ServiceAuthPolicyMiddleware(.callerKind(.service) && .groups("customers"), authenticators: [bearer]))
            .get("me") { _, context in
                "user=\(context.identity?.user?.username ?? "-") caller=\(context.identity?.caller?.subject ?? "-")"
            }

        // "JWT with scope orders/read OR SigV4 from role reports", in one middleware.
        router.group("reports")
            .add(middleware: RouteSecurityMiddleware(RouteSecurity(
                [bearer, sigV4],
                policy: .scopes("orders/read") || .principals(TestSigV4.reportsRole))))
            .get("daily") { _, context in
                let caller = context.identity?.caller
                return "\(caller?.kind.rawValue ?? "-") \(caller?.principal ?? caller?.subject ?? "-") current=\(AuthContext.current?.isAuthenticated == true)"
            }

        // An execute-api policy over Hummingbird's router: everything allowed but `GET api/Keys`.
        let api = ExecuteAPIResource(region: "us-east-1", accountId: "123456789012", apiId: "local", stage: "prod")
        router.group("api")
            .add(middleware: RouteSecurityMiddleware(RouteSecurity(
                [bearer],
                policy: .executeAPI(api, rules: [.allow(method: "*", path: "*"), .deny(method: "GET", path: "api/Keys")]))))
            .get("Keys") { _, _ in "keys" }
            .get("open") { _, _ in "open" }

        // hummingbird-auth's own guard after a ServiceAuthAuthenticator.
        router.group("guarded")
            .add(middleware: ServiceAuthAuthenticator(bearer))
            .add(middleware: IsAuthenticatedMiddleware())
            .get("ping") { _, _ in "pong" }

        var logger = Logger(label: "ServiceAuthHummingbirdTests")
        logger.logLevel = .critical
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }
    /// Every `WWW-Authenticate` field, in order.
    var challenges: [String] { headers[values: .wwwAuthenticate] }
}

/// Authorization header fields for a bearer token.
func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
