import Foundation
import HTTPTypes
import ServiceAuth
import Testing

/// A `BearerTokenVerifier` for middleware tests: knows a few tokens by heart.
struct PropagationTestVerifier: BearerTokenVerifier {
    static let alice = Identity(kind: .user, subject: "u-1", username: "alice", groups: ["customers"], issuer: "https://issuer.test")
    static let gateway = Identity(kind: .service, subject: "gateway-client", clientId: "gateway-client", scopes: ["orders/invoke"])

    func verifyIdentity(_ token: String) async throws -> Identity {
        switch token {
        case "alice-token": return Self.alice
        case "gateway-token": return Self.gateway
        case "expired-token":
            throw AuthFailure(status: .unauthorized, code: "expired", challenge: .bearerInvalidToken, message: "the token has expired")
        default:
            throw AuthFailure(status: .unauthorized, code: "bad_signature", challenge: .bearerInvalidToken, message: "bad signature")
        }
    }
}

/// A fixed token, for the bearer middleware.
struct PropagationTestTokenProvider: AccessTokenProvider {
    var token: String
    func accessToken() async throws -> String { token }
}

/// Captures the request a client middleware chain would send.
private func sent(
    through middleware: [any ClientMiddleware],
    _ request: HTTPRequest = HTTPRequest(method: .get, scheme: "https", authority: "orders.test", path: "/orders/1")
) async throws -> HTTPRequest {
    let captured = TokenTestBox<HTTPRequest>()
    _ = try await ClientMiddlewareChain(middleware).run(request, body: MessageBody()) { request, _ in
        captured.value = request
        return (HTTPResponse(status: .ok), MessageBody())
    }
    return try #require(captured.value)
}

/// Runs authenticators in order on identities already proved (by default a verified gateway
/// caller, as the bearer authenticator before them would record) and returns the result.
private func handled(
    by authenticators: [any Authenticator],
    headers: HTTPFields,
    context: RequestContext = RequestContext(auth: AuthContext(caller: PropagationTestVerifier.gateway))
) async throws -> RequestContext {
    let request = HTTPRequest(method: .get, scheme: "http", authority: "orders.test", path: "/whoami", headerFields: headers)
    var auth = context.auth
    var body = MessageBody()
    for authenticator in authenticators {
        _ = try await authenticator.authenticate(request, body: &body, auth: &auth, context: context)
    }
    var context = context
    context.auth = auth
    return context
}

private let forwarded = UserTokenPropagationMiddleware.defaultHeaderName

@Suite("Outbound propagation middleware")
struct OutboundPropagationTests {
    @Test("BearerTokenMiddleware sets Authorization: Bearer from the provider, replacing any value")
    func bearer() async throws {
        var request = HTTPRequest(method: .get, scheme: "http", authority: "orders.test", path: "/")
        request.headerFields[.authorization] = "Bearer stale"
        let sentRequest = try await sent(through: [BearerTokenMiddleware(provider: PropagationTestTokenProvider(token: "svc-token"))], request)
        #expect(sentRequest.headerFields[.authorization] == "Bearer svc-token")
    }

    @Test("the inbound user's token is propagated in X-Forwarded-Authorization")
    func propagatesUser() async throws {
        let context = AuthContext(caller: PropagationTestVerifier.alice, user: PropagationTestVerifier.alice, userToken: "alice-token")
        let sentRequest = try await AuthContext.withCurrent(context) { try await sent(through: [UserTokenPropagationMiddleware()]) }
        #expect(sentRequest.headerFields[forwarded] == "Bearer alice-token")
    }

    @Test("the user's token never goes over plain http off the machine unless allowed; loopback is fine")
    func plainHTTPHops() async throws {
        let context = AuthContext(caller: PropagationTestVerifier.alice, user: PropagationTestVerifier.alice, userToken: "alice-token")
        let remote = HTTPRequest(method: .get, scheme: "http", authority: "orders.test", path: "/orders/1")
        await #expect(throws: HTTPTransportError.insecureTokenPropagation) {
            try await AuthContext.withCurrent(context) { try await sent(through: [UserTokenPropagationMiddleware()], remote) }
        }
        // Schemes are case-insensitive: `HTTP://` is plain http too.
        let upperCase = HTTPRequest(method: .get, scheme: "HTTP", authority: "orders.test", path: "/orders/1")
        await #expect(throws: HTTPTransportError.insecureTokenPropagation) {
            try await AuthContext.withCurrent(context) { try await sent(through: [UserTokenPropagationMiddleware()], upperCase) }
        }
        let allowed = try await AuthContext.withCurrent(context) {
            try await sent(through: [UserTokenPropagationMiddleware(allowsInsecureHTTP: true)], remote)
        }
        #expect(allowed.headerFields[forwarded] == "Bearer alice-token")
        let loopback = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:8080", path: "/orders/1")
        let local = try await AuthContext.withCurrent(context) { try await sent(through: [UserTokenPropagationMiddleware()], loopback) }
        #expect(local.headerFields[forwarded] == "Bearer alice-token")
    }

    @Test("a custom header name is honoured")
    func customHeader() async throws {
        let header = HTTPField.Name("X-User-Token")!
        let context = AuthContext(user: PropagationTestVerifier.alice, userToken: "alice-token")
        let sentRequest = try await AuthContext.withCurrent(context) { try await sent(through: [UserTokenPropagationMiddleware(headerName: header)]) }
        #expect(sentRequest.headerFields[header] == "Bearer alice-token")
        #expect(sentRequest.headerFields[forwarded] == nil)
    }

    @Test("without an inbound user nothing is sent, and a header set by application code is removed")
    func noUser() async throws {
        var request = HTTPRequest(method: .get, scheme: "http", authority: "orders.test", path: "/")
        request.headerFields[forwarded] = "Bearer forged"
        let outside = try await sent(through: [UserTokenPropagationMiddleware()], request)
        #expect(outside.headerFields[forwarded] == nil)
        let serviceOnly = AuthContext(caller: PropagationTestVerifier.gateway)
        let inside = try await AuthContext.withCurrent(serviceOnly) { try await sent(through: [UserTokenPropagationMiddleware()], request) }
        #expect(inside.headerFields[forwarded] == nil)
    }

    @Test("the chain sent is the chain received plus this service's name")
    func chainPropagation() async throws {
        let middleware = try IdentityChainPropagationMiddleware(serviceName: "orders")
        let first = try await sent(through: [middleware])
        #expect(first.headerFields[IdentityChain.headerName] == "orders")
        let received = AuthContext(caller: PropagationTestVerifier.gateway, chain: ["gateway"])
        let second = try await AuthContext.withCurrent(received) { try await sent(through: [middleware]) }
        #expect(second.headerFields[IdentityChain.headerName] == "gateway,orders")
    }

    @Test("an invalid service name is refused at construction", arguments: ["", "a,b", "a b", "é", String(repeating: "x", count: 129)])
    func invalidServiceName(name: String) {
        #expect(throws: IdentityChainError.self) { try IdentityChainPropagationMiddleware(serviceName: name) }
    }

    @Test("a chain that would exceed the limits fails the call before sending")
    func chainTooLong() async throws {
        let middleware = try IdentityChainPropagationMiddleware(serviceName: "orders", limits: .init(maxEntries: 2))
        let received = AuthContext(caller: PropagationTestVerifier.gateway, chain: ["a", "b"])
        await #expect(throws: IdentityChainError.self) {
            _ = try await AuthContext.withCurrent(received) { try await sent(through: [middleware]) }
        }
    }
}

@Suite("PropagatedUserAuthenticator")
struct PropagatedUserMiddlewareTests {
    private let middleware = PropagatedUserAuthenticator(verifier: PropagationTestVerifier())

    @Test("a valid propagated token records the user beside the caller")
    func validUser() async throws {
        let caller = RequestContext(auth: AuthContext(caller: PropagationTestVerifier.gateway))
        let context = try await handled(by: [middleware], headers: [forwarded: "Bearer alice-token"], context: caller)
        #expect(context.auth.caller == PropagationTestVerifier.gateway)
        #expect(context.auth.user == PropagationTestVerifier.alice)
        #expect(context.auth.userToken == "alice-token")
    }

    @Test("the scheme is case-insensitive", arguments: ["bearer alice-token", "BEARER alice-token", "Bearer   alice-token"])
    func schemeCase(value: String) async throws {
        let context = try await handled(by: [middleware], headers: [forwarded: value])
        #expect(context.auth.user?.username == "alice")
    }

    @Test("no header: no user, the request goes on")
    func absent() async throws {
        let context = try await handled(by: [middleware], headers: [:])
        #expect(context.auth.user == nil)
        #expect(context.auth.userToken == nil)
    }

    @Test("no header when required: 401 missing_token")
    func absentRequired() async throws {
        let required = PropagatedUserAuthenticator(verifier: PropagationTestVerifier(), required: true)
        let failure = await #expect(throws: AuthFailure.self) { _ = try await handled(by: [required], headers: [:]) }
        #expect(failure?.code == "missing_token")
        #expect(failure?.status == .unauthorized)
        #expect(failure?.challenges == [.bearer])
    }

    @Test("an invalid propagated token is a 401 with the verifier's code", arguments: [
        ("Bearer expired-token", "expired"), ("Bearer forged-token", "bad_signature"),
    ])
    func invalidToken(value: String, code: String) async throws {
        let failure = await #expect(throws: AuthFailure.self) { _ = try await handled(by: [middleware], headers: [forwarded: value]) }
        #expect(failure?.code == code)
        #expect(failure?.status == .unauthorized)
        #expect(failure?.message.contains("token") == true)
        #expect(failure?.message.contains("forged-token") == false)
    }

    @Test("a header that is not Bearer <token> is 401 malformed", arguments: [
        "", "Bearer", "Bearer ", "Basic YWxpY2U6cHc=", "Bearer a b", "Bearer\talice-token", "Beareralice-token", "alice-token",
        "Bearer " + String(repeating: "a", count: 20_000),
    ])
    func malformedHeader(value: String) async throws {
        let failure = await #expect(throws: AuthFailure.self) { _ = try await handled(by: [middleware], headers: [forwarded: value]) }
        #expect(failure?.code == "malformed")
        #expect(failure?.status == .unauthorized)
    }

    @Test("without a proved caller the forwarded token is not read: the caller's 401 comes first")
    func noCallerNoUser() async throws {
        let anonymous = RequestContext()
        let context = try await handled(by: [middleware], headers: [forwarded: "Bearer forged-token"], context: anonymous)
        #expect(context.auth.user == nil)
        let route = RouteSecurity([BearerTokenAuthenticator(verifier: PropagationTestVerifier()), middleware])
        let request = HTTPRequest(method: .get, scheme: "http", authority: "orders.test", path: "/", headerFields: [forwarded: "Bearer forged-token"])
        let failure = await #expect(throws: AuthFailure.self) {
            _ = try await route.check(request, body: MessageBody(), context: anonymous)
        }
        #expect(failure?.code == "missing_token")
        #expect(failure?.challenges == [.bearer])
    }

    @Test("a caller that is itself a user cannot propagate another user")
    func userCannotPropagateAnotherUser() async throws {
        let alice = PropagationTestVerifier.alice
        let caller = RequestContext(auth: AuthContext(caller: alice, user: alice, userToken: "alice-token"))
        let failure = await #expect(throws: AuthFailure.self) {
            _ = try await handled(by: [middleware], headers: [forwarded: "Bearer alice-token"], context: caller)
        }
        #expect(failure?.code == "malformed")
    }

    @Test("a service token forwarded as a user is refused with wrong_token_use")
    func serviceTokenAsUser() async throws {
        let failure = await #expect(throws: AuthFailure.self) { _ = try await handled(by: [middleware], headers: [forwarded: "Bearer gateway-token"]) }
        #expect(failure?.code == "wrong_token_use")
    }

    @Test("the failure becomes a 401 JSON response with the code")
    func failureResponse() async throws {
        let failure = await #expect(throws: AuthFailure.self) { _ = try await handled(by: [middleware], headers: [forwarded: "Bearer expired-token"]) }
        let (response, body) = try #require(failure).response()
        #expect(response.status == .unauthorized)
        let text = String(decoding: try await body.collect(upTo: 4096), as: UTF8.self)
        #expect(text.contains(#""error":"expired""#))
    }
}

/// A mutable box for values captured in `@Sendable` closures of the tests.
final class TokenTestBox<Value: Sendable>: @unchecked Sendable {
    // Safe: tests write it from the one closure and read it after that closure returned
    // (the chain awaits the closure), so accesses never overlap.
    var value: Value?
}

@Suite("PropagatedUserAuthenticator header count")
struct PropagatedUserHeaderCountTests {
    @Test("two propagated user headers are malformed (two hops could read them differently)")
    func twoHeaders() async throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: UserTokenPropagationMiddleware.defaultHeaderName, value: "Bearer alice-token"))
        fields.append(HTTPField(name: UserTokenPropagationMiddleware.defaultHeaderName, value: "Bearer gateway-token"))
        let failure = await #expect(throws: AuthFailure.self) {
            _ = try await handled(by: [PropagatedUserAuthenticator(verifier: PropagationTestVerifier())], headers: fields)
        }
        #expect(failure?.code == "malformed")
    }
}
