import Foundation
import HTTPTypes
import ServiceAuth
import Synchronization
import Testing

/// A verifier that knows a few fixed tokens and counts its calls.
final class FixedTokenVerifier: BearerTokenVerifier {
    let identities: [String: Identity]
    private let calls = Mutex(0)
    init(_ identities: [String: Identity]) { self.identities = identities }
    var callCount: Int { calls.withLock { $0 } }
    func verifyIdentity(_ token: String) async throws -> Identity {
        calls.withLock { $0 += 1 }
        guard let identity = identities[token] else {
            throw AuthFailure(status: .unauthorized, code: "bad_signature", challenge: #"Bearer error="invalid_token""#, message: "bad")
        }
        return identity
    }
}

@Suite("Authorizer middleware (API Gateway Lambda-authorizer flow)")
struct AuthorizerMiddlewareTests {
    static let api = ExecuteAPIResource(region: "us-east-1", accountId: "123456789012", apiId: "local", stage: "prod")
    static let rules: [JWTAuthorizer.Rule] = [
        .allow(scope: "orders/read", method: "GET", path: "orders/*"),
        .allow(scope: "orders/write", method: "POST", path: "orders"),
        .deny(group: "suspended", method: "*", path: "*"),
    ]
    static let reader = Identity(kind: .user, subject: "u1", username: "alice", scopes: ["orders/read"], groups: ["customers"],
                                 expiresAt: Date().addingTimeInterval(3600))
    static let suspended = Identity(kind: .user, subject: "u2", username: "mallory", scopes: ["orders/read", "orders/write"],
                                    groups: ["suspended"], expiresAt: Date().addingTimeInterval(3600))

    func run(_ middleware: AuthorizerMiddleware, method: HTTPRequest.Method, path: String, token: String?) async throws -> (HTTPResponse, RequestContext?) {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        let request = HTTPRequest(method: method, scheme: "http", authority: "gw", path: path, headerFields: fields)
        let seen = Mutex<RequestContext?>(nil)
        do {
            let (response, _) = try await middleware.intercept(request, body: MessageBody(), context: RequestContext()) { _, body, context in
                seen.withLock { $0 = context }
                return (HTTPResponse(status: .ok), body)
            }
            return (response, seen.withLock { $0 })
        } catch let failure as any AuthFailureConvertible {
            return (failure.authFailure.response().0, nil)
        }
    }

    @Test("scope grants the method; the identity and user token reach the context")
    func allowsByScope() async throws {
        let verifier = FixedTokenVerifier(["t-reader": Self.reader])
        let middleware = AuthorizerMiddleware(
            authorizer: JWTAuthorizer(verifier: verifier, resource: Self.api, rules: Self.rules), resource: Self.api)
        let (ok, context) = try await run(middleware, method: .get, path: "/orders/1", token: "t-reader")
        #expect(ok.status == .ok)
        #expect(context?.auth.user?.username == "alice")
        #expect(context?.auth.userToken == "t-reader")
        #expect(context?.auth.attributes["username"] == "alice")
        let (forbidden, _) = try await run(middleware, method: .post, path: "/orders", token: "t-reader")
        #expect(forbidden.status == .forbidden)
        #expect(forbidden.headerFields[.wwwAuthenticate] == #"Bearer error="insufficient_scope""#)
    }

    @Test("explicit deny wins even with the scope")
    func explicitDeny() async throws {
        let verifier = FixedTokenVerifier(["t-bad": Self.suspended])
        let middleware = AuthorizerMiddleware(
            authorizer: JWTAuthorizer(verifier: verifier, resource: Self.api, rules: Self.rules), resource: Self.api)
        let (response, _) = try await run(middleware, method: .get, path: "/orders/1", token: "t-bad")
        #expect(response.status == .forbidden)
    }

    @Test("missing, malformed and invalid tokens are 401 with their codes")
    func unauthenticated() async throws {
        let middleware = AuthorizerMiddleware(
            authorizer: JWTAuthorizer(verifier: FixedTokenVerifier([:]), resource: Self.api, rules: Self.rules), resource: Self.api)
        let (missing, _) = try await run(middleware, method: .get, path: "/orders/1", token: nil)
        #expect(missing.status == .unauthorized)
        #expect(missing.headerFields[.wwwAuthenticate] == "Bearer")
        let (invalid, _) = try await run(middleware, method: .get, path: "/orders/1", token: "nope")
        #expect(invalid.status == .unauthorized)
        #expect(invalid.headerFields[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
        let (malformed, _) = try await run(middleware, method: .get, path: "/orders/1", token: "a b")
        #expect(malformed.status == .unauthorized)
    }

    @Test("results are cached per token, and the cache never outlives the token's exp")
    func caching() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let now: @Sendable () -> Date = { clock.withLock { $0 } }
        var shortLived = Self.reader
        shortLived.expiresAt = Date(timeIntervalSince1970: 1_000_060)  // expires in 60 s, TTL is 300 s
        let verifier = FixedTokenVerifier(["t": shortLived])
        let middleware = AuthorizerMiddleware(
            authorizer: JWTAuthorizer(verifier: verifier, resource: Self.api, rules: Self.rules), resource: Self.api,
            cache: AuthorizerResultCache(ttl: .seconds(300), now: now))
        for _ in 0..<5 { _ = try await run(middleware, method: .get, path: "/orders/1", token: "t") }
        #expect(verifier.callCount == 1)
        // The cached policy still applies per method ARN.
        let (denied, _) = try await run(middleware, method: .post, path: "/orders", token: "t")
        #expect(denied.status == .forbidden)
        #expect(verifier.callCount == 1)
        clock.withLock { $0 = Date(timeIntervalSince1970: 1_000_061) }
        _ = try await run(middleware, method: .get, path: "/orders/1", token: "t")
        #expect(verifier.callCount == 2)
    }

    @Test("public paths pass without a token")
    func publicPaths() async throws {
        let middleware = AuthorizerMiddleware(
            authorizer: JWTAuthorizer(verifier: FixedTokenVerifier([:]), resource: Self.api, rules: Self.rules), resource: Self.api,
            publicPaths: ["/healthz"])
        let (response, _) = try await run(middleware, method: .get, path: "/healthz", token: nil)
        #expect(response.status == .ok)
    }

    @Test("bearer extraction", arguments: [
        ("Bearer abc.def.ghi", BearerToken.Extraction.token("abc.def.ghi")),
        ("bearer abc", .token("abc")), ("BEARER   abc  ", .token("abc")),
        ("Basic abc", .noBearerCredential), ("Bearer", .noBearerCredential), ("Bearer a\"b", .malformed), ("Bearer ", .noBearerCredential),
    ])
    func extraction(header: String, expected: BearerToken.Extraction) {
        var fields = HTTPFields()
        fields[.authorization] = header
        #expect(BearerToken.extract(from: fields) == expected)
    }

    @Test("two Authorization headers are refused")
    func duplicateHeaders() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .authorization, value: "Bearer a"))
        fields.append(HTTPField(name: .authorization, value: "Bearer b"))
        #expect(BearerToken.extract(from: fields) == .malformed)
    }
}
