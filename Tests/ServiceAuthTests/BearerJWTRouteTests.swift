import Foundation
import HTTPTypes
import Synchronization
import Testing
import ServiceAuthHTTP
import ServiceAuthTesting

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// A JWKS document that tests can rotate while a loopback server serves it.
final class JWKSDocument: Sendable {
    private let body: Mutex<[UInt8]>
    private let hits = Mutex(0)
    init(_ body: [UInt8]) { self.body = Mutex(body) }
    func set(_ body: [UInt8]) { self.body.withLock { $0 = body } }
    var fetches: Int { hits.withLock { $0 } }
    func serve() -> [UInt8] {
        hits.withLock { $0 += 1 }
        return body.withLock { $0 }
    }
}

@Suite("Bearer JWT routes over loopback")
struct BearerJWTRouteTests {
    /// Runs `body` against a JWKS server and a protected service, both real loopback servers.
    func withServices(
        document: JWKSDocument = JWKSDocument(TestJWK.standard),
        configure: (inout JWTVerifier.Configuration) -> Void = { _ in },
        clock: TestClock = TestClock(),
        _ body: (_ serviceURL: String, _ verifier: JWTVerifier) async throws -> Void
    ) async throws {
        var jwksRouter = Router()
        jwksRouter.get("/pool/.well-known/jwks.json") { _, _, _ in
            Responses.bytes(document.serve(), contentType: "application/json")
        }
        try await withTestServer(router: jwksRouter) { issuerBase in
            var configuration = JWTVerifier.Configuration(issuers: [Fixture.issuer], audience: .anyAudience, tokenUse: nil)
            configure(&configuration)
            let verifier = JWTVerifier(configuration: configuration, jwksURI: URL(string: issuerBase + "/pool/.well-known/jwks.json")!,
                                       transport: AsyncHTTPTransport(), now: clock.closure)
            let jwt = BearerTokenAuthenticator(verifier: verifier)
            // Security next to the routes: the router's default guards /whoami and unmatched paths.
            var router = Router(security: RouteSecurity([jwt]))
            let whoami: RouteHandler = { _, _, context in
                let auth = context.auth
                return Responses.json([
                    "caller": auth.caller?.kind.rawValue ?? "none",
                    "callerName": auth.caller?.displayName ?? "none",
                    "user": auth.user?.username ?? "none",
                    "hasUserToken": auth.userToken == nil ? "no" : "yes",
                    "current": AuthContext.current?.caller?.displayName ?? "none",
                ])
            }
            router.get("/whoami", whoami)
            router.on(.get, "/orders/{id}", security: RouteSecurity([jwt], policy: .scopes("orders/read")), whoami)
            router.on(.post, "/orders", security: RouteSecurity([jwt], policy: .scopes("orders/admin")), whoami)
            router.group("/admin", security: RouteSecurity([jwt], policy: .groups("admins"))) { admin in
                admin.get("/users/{id}", whoami)
            }
            router.group(security: .public) { open in
                open.get("/healthz") { _, _, _ in Responses.text("ok") }
            }
            try await withTestServer(router: router) { serviceURL in
                try await body(serviceURL, verifier)
            }
        }
    }

    func get(_ url: String, authorization: [String] = [], method: HTTPRequest.Method = .get) async throws -> (HTTPResponse, [String: String]) {
        var fields = HTTPFields()
        for value in authorization { fields.append(HTTPField(name: .authorization, value: value)) }
        let request = HTTPRequest(method: method, urlString: url, headerFields: fields)!
        let (response, body) = try await AsyncHTTPTransport().send(request, body: method == .post ? [] : nil, timeout: .seconds(10), maxResponseBytes: 1 << 20)
        let json = (try? JSONValue.parse(body))?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        return (response, json)
    }

    @Test func validTokensPassAndFillTheAuthContext() async throws {
        try await withServices { url, _ in
            let (response, json) = try await get(url + "/whoami", authorization: ["Bearer " + Mint.rs256(Fixture.claims())])
            #expect(response.status == .ok)
            #expect(json["caller"] == "user")
            #expect(json["user"] == "alice")
            #expect(json["hasUserToken"] == "yes")
            #expect(json["current"] == "alice")
            // ES256, a service token, lowercase scheme.
            let service = Mint.es256(Fixture.claims(["sub": "client-a"], removing: ["username"]))
            let (serviceResponse, serviceJSON) = try await get(url + "/whoami", authorization: ["bearer " + service])
            #expect(serviceResponse.status == .ok)
            #expect(serviceJSON["caller"] == "service")
            #expect(serviceJSON["user"] == "none")
            #expect(serviceJSON["hasUserToken"] == "no")
        }
    }

    @Test func missingTokenAnswers401WithBareChallenge() async throws {
        try await withServices { url, _ in
            for authorization in [[], ["Basic YWxpY2U6c2VjcmV0"], ["Bearer"], ["Bearer "]] {
                let (response, json) = try await get(url + "/whoami", authorization: authorization)
                #expect(response.status == .unauthorized)
                #expect(response.headerFields[.wwwAuthenticate] == "Bearer")
                #expect(json["error"] == "missing_token")
            }
        }
    }

    @Test func invalidTokensAnswer401InvalidToken() async throws {
        try await withServices { url, _ in
            let expired = Mint.rs256(Fixture.claims(["exp": .number(Fixture.clock0.timeIntervalSince1970 - 1)]))
            let cases: [([String], String)] = [
                (["Bearer " + expired], "expired"),
                (["Bearer not.a.jwt"], "malformed"),
                (["Bearer " + Mint.rs256(Fixture.claims(), kid: "nope")], "unknown_key"),
                (["Bearer a b"], "malformed"),
                (["Bearer " + Mint.rs256(Fixture.claims()), "Bearer " + Mint.rs256(Fixture.claims())], "malformed"),
            ]
            for (authorization, code) in cases {
                let (response, json) = try await get(url + "/whoami", authorization: authorization)
                #expect(response.status == .unauthorized)
                #expect(response.headerFields[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
                #expect(json["error"] == code)
            }
        }
    }

    @Test func routeSecurityScopesGroupsAndPublicRoutes() async throws {
        try await withServices { url, _ in
            let token = "Bearer " + Mint.rs256(Fixture.claims())
            #expect(try await get(url + "/orders/1", authorization: [token]).0.status == .ok)
            let (forbidden, json) = try await get(url + "/orders", authorization: [token], method: .post)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.headerFields[.wwwAuthenticate] == #"Bearer error="insufficient_scope""#)
            #expect(json["error"] == "missing_scope")
            let (noGroup, groupJSON) = try await get(url + "/admin/users/7", authorization: [token])
            #expect(noGroup.status == .forbidden)
            #expect(groupJSON["error"] == "missing_group")
            let admin = "Bearer " + Mint.rs256(Fixture.claims(["cognito:groups": ["admins"]]))
            #expect(try await get(url + "/admin/users/7", authorization: [admin]).0.status == .ok)
            #expect(try await get(url + "/healthz").0.status == .ok)
            #expect(try await get(url + "/orders/1").0.status == .unauthorized)
            // An unknown path is refused before anyone learns it does not exist.
            #expect(try await get(url + "/nowhere").0.status == .unauthorized)
            #expect(try await get(url + "/nowhere", authorization: [token]).0.status == .notFound)
        }
    }

    @Test func keyRotationOverLoopbackIsPickedUp() async throws {
        let document = JWKSDocument(TestJWK.set([TestJWK.rsa()]))
        let clock = TestClock()
        try await withServices(document: document, clock: clock) { url, _ in
            #expect(try await get(url + "/whoami", authorization: ["Bearer " + Mint.rs256(Fixture.claims())]).0.status == .ok)
            document.set(TestJWK.set([TestJWK.rsa(), TestJWK.p256()]))
            clock.advance(2)
            #expect(try await get(url + "/whoami", authorization: ["Bearer " + Mint.es256(Fixture.claims())]).0.status == .ok)
            #expect(document.fetches == 2)
            // A flood of junk kids: at most one more fetch within the cool-down.
            clock.advance(2)
            for index in 0..<20 {
                let junk = Mint.rs256(Fixture.claims(), kid: "junk-\(index % 3)")
                let (_, json) = try await get(url + "/whoami", authorization: ["Bearer " + junk])
                #expect(json["error"] == "unknown_key")
            }
            #expect(document.fetches == 3)
        }
    }

    @Test func issuerOutageKeepsCachedKeysWorking() async throws {
        let document = JWKSDocument(TestJWK.standard)
        let clock = TestClock()
        try await withServices(document: document, clock: clock) { url, verifier in
            try await verifier.hydrate()
            document.set(Array("upstream error".utf8))
            clock.advance(7200)  // keys stale; the refetch returns garbage
            let token = Mint.rs256(Fixture.claims(["exp": .number(Fixture.clock0.timeIntervalSince1970 + 9000)]))
            #expect(try await get(url + "/whoami", authorization: ["Bearer " + token]).0.status == .ok)
            await verifier.issuers[0].jwks.awaitPendingFetch()
            #expect(document.fetches == 2)
            #expect(try await get(url + "/whoami", authorization: ["Bearer " + token]).0.status == .ok)
        }
    }
}
