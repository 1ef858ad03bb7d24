import Foundation
import HTTPTypes
import ServiceAuthHTTP
import ServiceAuthTesting
import Synchronization
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// A verifier that knows a few fixed tokens and counts its calls.
final class FixedTokenVerifier: BearerTokenVerifier {
    let identities: [String: Identity]
    private let calls = Mutex(0)
    init(_ identities: [String: Identity]) { self.identities = identities }
    var callCount: Int { calls.withLock { $0 } }
    func verifyIdentity(_ token: String) async throws -> Identity {
        calls.withLock { $0 += 1 }
        guard let identity = identities[token] else {
            throw AuthFailure(status: .unauthorized, code: "bad_signature", challenge: .bearerInvalidToken, message: "bad")
        }
        return identity
    }
}

/// Runs one request through a route's security; returns the response and what the handler saw.
private func run(
    _ security: RouteSecurity,
    method: HTTPRequest.Method = .get,
    path: String = "/orders/1",
    headers: HTTPFields = HTTPFields()
) async throws -> (HTTPResponse, AuthContext?) {
    let request = HTTPRequest(method: method, scheme: "http", authority: "svc.test", path: path, headerFields: headers)
    let seen = Mutex<AuthContext?>(nil)
    do {
        let (response, _) = try await security.run(request, body: MessageBody(), context: RequestContext()) { _, body, context in
            #expect(AuthContext.current == context.auth, "one identity per request: the context and the task local agree")
            seen.withLock { $0 = context.auth }
            return (HTTPResponse(status: .ok), body)
        }
        return (response, seen.withLock { $0 })
    } catch let failure as any AuthFailureConvertible {
        return (failure.authFailure.response().0, nil)
    }
}

private func bearer(_ token: String) -> HTTPFields {
    var fields = HTTPFields()
    fields[.authorization] = "Bearer \(token)"
    return fields
}

@Suite("One route, several mechanisms: JWT with a scope OR SigV4 from a role")
struct JWTOrSigV4RouteTests {
    static let reportsRole = "arn:aws:iam::123456789012:role/reports"
    static let store = JSONFileCredentialStore(entries: [
        .init(accessKeyId: "AKIAREPORTS000000001", secretAccessKey: "reportsSecret", principal: reportsRole),
        .init(accessKeyId: "AKIAOTHERROLE0000001", secretAccessKey: "otherSecret", principal: "arn:aws:iam::123456789012:role/other"),
    ])

    /// A real loopback server with one route that accepts either mechanism.
    func withService(_ body: (_ url: String) async throws -> Void) async throws {
        let clock = TestClock()
        let jwt = BearerTokenAuthenticator(verifier: Fixture.verifier(transport: FakeJWKSTransport(), clock: clock))
        let sigV4 = SigV4Authenticator(verifier: SigV4Verifier(
            configuration: .init(region: "us-east-1", service: "execute-api", acceptedHosts: .anyHost), credentialStore: Self.store))
        // The declaration under test: one line of security for the route.
        let reports = RouteSecurity([jwt, sigV4], policy: .scopes("orders/read") || .principals(Self.reportsRole))
        var router = Router()
        router.on(.get, "/reports/{id}", security: reports) { _, _, context in
            let caller = context.auth.caller
            return Responses.json(["kind": caller?.kind.rawValue ?? "none", "who": caller?.principal ?? caller?.username ?? "none"])
        }
        try await withTestServer(router: router) { url in try await body(url + "/reports/7") }
    }

    func send(_ url: String, headers: HTTPFields = HTTPFields(), signedAs key: (String, String)? = nil) async throws -> (HTTPResponse, [String: String]) {
        var middleware: [any ClientMiddleware] = []
        if let key {
            middleware.append(SigV4SigningMiddleware(
                signer: SigV4Signer(region: "us-east-1", service: "execute-api"),
                credentialsProvider: StaticCredentialsProvider(accessKeyId: key.0, secretAccessKey: key.1)))
        }
        let (response, body) = try await ServiceHTTPClient(middleware: middleware).get(url, headerFields: headers)
        let json = (try? JSONValue.parse(body))?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        return (response, json)
    }

    @Test("a JWT with the scope passes; a SigV4 signature of the role passes")
    func eitherMechanismPasses() async throws {
        try await withService { url in
            let (jwt, jwtJSON) = try await send(url, headers: bearer(Mint.rs256(Fixture.claims(["scope": "orders/read"]))))
            #expect(jwt.status == .ok)
            #expect(jwtJSON["kind"] == "user")
            let (signed, signedJSON) = try await send(url, signedAs: ("AKIAREPORTS000000001", "reportsSecret"))
            #expect(signed.status == .ok)
            #expect(signedJSON["kind"] == "role")
            #expect(signedJSON["who"] == Self.reportsRole)
        }
    }

    @Test("no credential: 401 listing both challenges, with the first mechanism's code")
    func noCredentialListsEveryChallenge() async throws {
        try await withService { url in
            for headers in [HTTPFields(), [.authorization: "Basic YTpi"]] {
                let (response, json) = try await send(url, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headerFields[values: .wwwAuthenticate] == ["Bearer", "AWS4-HMAC-SHA256"])
                #expect(json["error"] == "missing_token")
            }
        }
    }

    @Test("each mechanism's own denial: missing_scope for a JWT, AccessDenied for another role")
    func denialsSpeakTheCallersLanguage() async throws {
        try await withService { url in
            let (jwt, jwtJSON) = try await send(url, headers: bearer(Mint.rs256(Fixture.claims(["scope": "orders/write"]))))
            #expect(jwt.status == .forbidden)
            #expect(jwtJSON["error"] == "missing_scope")
            #expect(jwt.headerFields[.wwwAuthenticate] == #"Bearer error="insufficient_scope""#)
            let (role, roleJSON) = try await send(url, signedAs: ("AKIAOTHERROLE0000001", "otherSecret"))
            #expect(role.status == .forbidden)
            #expect(roleJSON["error"] == "AccessDenied")
        }
    }

    @Test("a present but invalid credential of either mechanism is 401 with its own code")
    func invalidCredentials() async throws {
        try await withService { url in
            let (jwt, jwtJSON) = try await send(url, headers: bearer(Mint.rs256(Fixture.claims(), kid: "nope")))
            #expect(jwt.status == .unauthorized)
            #expect(jwtJSON["error"] == "unknown_key")
            let (signed, signedJSON) = try await send(url, signedAs: ("AKIAREPORTS000000001", "wrongSecret"))
            #expect(signed.status == .unauthorized)
            #expect(signedJSON["error"] == "SignatureDoesNotMatch")
        }
    }
}

@Suite("RouteSecurity and AuthorizationPolicy")
struct RouteSecurityTests {
    static let alice = Identity(kind: .user, subject: "u1", username: "alice", clientId: "web", scopes: ["orders/read"], groups: ["customers"])
    static let gateway = Identity(kind: .service, subject: "gw", clientId: "gateway", scopes: ["orders/invoke"])
    static let verifier = FixedTokenVerifier(["alice": alice, "gateway": gateway])
    static let jwt = BearerTokenAuthenticator(verifier: verifier)

    @Test("combinators: allOf, anyOf, not, and which of them needs an identity")
    func combinators() async throws {
        let serviceWithScope = RouteSecurity([Self.jwt], policy: .callerKind(.service) && .scopes("orders/invoke"))
        #expect(try await run(serviceWithScope, headers: bearer("gateway")).0.status == .ok)
        let (user, _) = try await run(serviceWithScope, headers: bearer("alice"))
        #expect(user.status == .forbidden)
        #expect(user.headerFields[.wwwAuthenticate] == #"Bearer error="insufficient_scope""#)

        let notCustomers = RouteSecurity([Self.jwt], policy: !.groups("customers"))
        #expect(try await run(notCustomers, headers: bearer("alice")).0.status == .forbidden)
        #expect(try await run(notCustomers, headers: bearer("gateway")).0.status == .ok)
        #expect(try await run(notCustomers).0.status == .unauthorized)

        let either = RouteSecurity([Self.jwt], policy: .clientIds("web") || .anyScope("x", "orders/invoke"))
        #expect(try await run(either, headers: bearer("alice")).0.status == .ok)
        #expect(try await run(either, headers: bearer("gateway")).0.status == .ok)

        // `anyone` identifies who it can and lets the rest through; an invalid credential is still refused.
        let optional = RouteSecurity([Self.jwt], policy: .anyone)
        let (anonymous, seen) = try await run(optional)
        #expect(anonymous.status == .ok)
        #expect(seen?.isAuthenticated == false)
        #expect(try await run(optional, headers: bearer("forged")).0.status == .unauthorized)
        #expect(!(AuthorizationPolicy.anyone || .authenticated).requiresAuthentication)
        #expect((AuthorizationPolicy.anyone && .authenticated).requiresAuthentication)
        #expect(AuthorizationPolicy.anyOf([]).requiresAuthentication)
    }

    @Test("a custom predicate sees the request")
    func customPredicate() async throws {
        let ownOrders = RouteSecurity([Self.jwt], policy: .custom(message: "not your order") { input in
            input.request.path == "/orders/\(input.auth.caller?.username ?? "")"
        })
        #expect(try await run(ownOrders, path: "/orders/alice", headers: bearer("alice")).0.status == .ok)
        #expect(try await run(ownOrders, path: "/orders/bob", headers: bearer("alice")).0.status == .forbidden)
    }

    @Test("two caller credentials on one request are refused, not picked from")
    func twoCallerCredentials() async throws {
        let store = JSONFileCredentialStore(entries: [.init(accessKeyId: "AKIATWOCREDS00000001", secretAccessKey: "s", principal: "arn:aws:iam::1:role/r")])
        let sigV4 = SigV4Authenticator(verifier: SigV4Verifier(
            configuration: .init(region: "us-east-1", service: "execute-api", acceptedHosts: .anyHost), credentialStore: store))
        var request = HTTPRequest(method: .get, scheme: "http", authority: "svc.test", path: "/orders/1")
        request = try SigV4Signer(region: "us-east-1", service: "execute-api")
            .presign(request, credentials: AWSCredentials(accessKeyId: "AKIATWOCREDS00000001", secretAccessKey: "s"), date: Date(), expires: 300).request
        request.headerFields[.authorization] = "Bearer gateway"
        let (response, _) = try await run(RouteSecurity([Self.jwt, sigV4]), path: request.path!, headers: request.headerFields)
        #expect(response.status == .unauthorized)

        // Two mechanisms that each prove a different caller on their own: refused, not picked from.
        struct HeaderCaller: Authenticator {
            func authenticate(_ request: HTTPRequest, body: inout MessageBody, auth: inout AuthContext, context: RequestContext)
                async throws -> Bool
            {
                guard let name = request.headerFields[HTTPField.Name("X-Workload")!] else { return false }
                try auth.recordCaller(Identity(kind: .service, subject: name))
                return true
            }
        }
        var both = bearer("gateway")
        both[HTTPField.Name("X-Workload")!] = "reports"
        let security = RouteSecurity([Self.jwt, HeaderCaller()])
        #expect(try await run(security, headers: both).0.status == .unauthorized)
        #expect(try await run(security, headers: bearer("gateway")).0.status == .ok)
    }

    @Test("allOf of nothing allows nobody: an empty list from configuration never makes a route public")
    func emptyAllOf() async throws {
        let security = RouteSecurity([Self.jwt], policy: .allOf([]))
        #expect(try await run(security).0.status == .unauthorized)
        #expect(try await run(security, headers: bearer("gateway")).0.status == .forbidden)
    }

    @Test("a denied anonymous request is told how to authenticate (401 with the challenges), not 403")
    func anonymousDenialIsUnauthenticated() async throws {
        let optionalButPicky = AuthorizationPolicy(requiresAuthentication: false) { input in
            input.auth.caller?.clientId == "gateway" ? .allow : .deny(AuthorizationDenial(.notAllowed, "gateway only"))
        }
        let (anonymous, _) = try await run(RouteSecurity([Self.jwt], policy: optionalButPicky))
        #expect(anonymous.status == .unauthorized)
        #expect(anonymous.headerFields[.wwwAuthenticate] == "Bearer")
        #expect(try await run(RouteSecurity([Self.jwt], policy: optionalButPicky), headers: bearer("alice")).0.status == .forbidden)
    }

    @Test("a route decides from its own mechanisms: a server-wide AuthenticationMiddleware neither blocks nor satisfies it")
    func routeStartsFromNothing() async throws {
        let store = JSONFileCredentialStore(entries: [])
        let sigV4Only = RouteSecurity([SigV4Authenticator(verifier: SigV4Verifier(
            configuration: .init(region: "us-east-1", service: "execute-api", acceptedHosts: .anyHost), credentialStore: store))])
        var router = Router()
        router.on(.get, "/jwt", security: RouteSecurity([Self.jwt])) { _, _, context in Responses.text(context.auth.caller?.clientId ?? "-") }
        router.on(.get, "/sigv4", security: sigV4Only) { _, _, _ in Responses.text("signed") }
        let everywhere = AuthenticationMiddleware(RouteSecurity([Self.jwt], policy: .anyone))
        try await withTestServer(router: router, middleware: [everywhere]) { url in
            let (jwt, body) = try await ServiceHTTPClient().get(url + "/jwt", headerFields: bearer("gateway"))
            #expect(jwt.status == .ok)
            #expect(String(decoding: body, as: UTF8.self) == "gateway")
            // The bearer caller proved by the middleware is not a SigV4 caller of this route.
            #expect(try await ServiceHTTPClient().get(url + "/sigv4", headerFields: bearer("gateway")).0.status == .unauthorized)
        }
    }

    @Test("a 405 is answered behind the security of the routes at that path")
    func methodNotAllowedIsGuarded() async throws {
        var router = Router()
        router.group("/admin", security: RouteSecurity([Self.jwt])) { admin in
            admin.get("/keys") { _, _, _ in Responses.text("keys") }
        }
        let request = HTTPRequest(method: .post, scheme: "http", authority: "svc.test", path: "/admin/keys")
        let route = router.resolve(method: .post, path: "/admin/keys")
        await #expect(throws: AuthFailure.self) { _ = try await route.handler(request, MessageBody(), RequestContext()) }
        var signedIn = request
        signedIn.headerFields[.authorization] = "Bearer gateway"
        let (response, _) = try await route.handler(signedIn, MessageBody(), RequestContext())
        #expect(response.status == .methodNotAllowed)
    }

    @Test("a route literal matches its own bytes only: a canonically equivalent spelling is not the route")
    func literalsMatchByteForByte() async throws {
        // KELVIN SIGN (U+212A) is canonically equivalent to K, so `==` on strings says
        // "\u{212A}eys" == "Keys"; the policy's method ARN keeps the bytes, so a router that
        // matched it would serve `/Keys` behind a Deny written for `Keys`.
        let security = RouteSecurity(
            [BearerTokenAuthenticator(verifier: FixedTokenVerifier(["t-reader": ExecuteAPIPolicyTests.reader]))],
            policy: .executeAPI(ExecuteAPIPolicyTests.api, rules: [.allow(scope: "orders/read", method: "*", path: "*"), .deny(method: "GET", path: "Keys")]))
        var router = Router()
        router.on(.get, "/Keys", security: security) { _, _, _ in Responses.text("keys") }
        #expect(router.resolve(method: .get, path: "/Keys").pattern == "/Keys")
        #expect(router.resolve(method: .get, path: "/\u{212A}eys").pattern == nil)
        router.on(.get, "/caf\u{E9}", security: security) { _, _, _ in Responses.text("menu") }
        #expect(router.resolve(method: .get, path: "/cafe\u{301}").pattern == nil, "NFD is not the NFC route")
        // A `?` followed by a combining mark is one Character but still starts the query.
        #expect(router.resolve(method: .get, path: "/Keys?\u{301}=1").pattern == "/Keys")
        #expect(RequestPath.split("/a?\u{301}=1") == ("/a", "\u{301}=1"))
        #expect(RequestPath.segments("/\u{301}a/b") == ["\u{301}a", "b"])
    }

    @Test("execute-api refuses a target with raw non-ASCII bytes, whatever its rules allow")
    func executeAPIRefusesNonASCIITargets() async throws {
        let security = RouteSecurity(
            [BearerTokenAuthenticator(verifier: FixedTokenVerifier(["t-reader": ExecuteAPIPolicyTests.reader]))],
            policy: .executeAPI(ExecuteAPIPolicyTests.api, rules: [.allow(method: "*", path: "*")]))
        #expect(try await run(security, path: "/Keys", headers: bearer("t-reader")).0.status == .ok)
        #expect(try await run(security, path: "/caf%C3%A9", headers: bearer("t-reader")).0.status == .ok, "percent-encoded is the ASCII spelling")
        #expect(try await run(security, path: "/\u{212A}eys", headers: bearer("t-reader")).0.status == .forbidden)
        #expect(try await run(security, path: "/cafe\u{301}", headers: bearer("t-reader")).0.status == .forbidden)
        #expect(try await run(security, path: "/a?q=\u{E9}", headers: bearer("t-reader")).0.status == .forbidden)
    }

    @Test("SigV4 presence is read as the verifier reads the query", arguments: [
        ("/r?X-Amz-Algorithm=AWS4-HMAC-SHA256", true), ("/r?X-Amz-%41lgorithm=AWS4-HMAC-SHA256", true), ("/r?a=1&X-Amz-Signature=ab", true),
        ("/r?X-Amz-Algorithmx=1", false), ("/r?q=X-Amz-Algorithm", false), ("/r", false),
    ])
    func sigV4Presence(path: String, present: Bool) {
        #expect(SigV4Authenticator.carriesSignature(HTTPRequest(method: .get, scheme: "http", authority: "svc.test", path: path)) == present)
    }

    @Test("a route with no mechanism that needs an identity refuses everyone with 401")
    func noMechanism() async throws {
        let (response, _) = try await run(RouteSecurity([]))
        #expect(response.status == .unauthorized)
        #expect(response.headerFields[.wwwAuthenticate] == nil)
    }

    @Test("challenge strings are quoted in one place", arguments: [
        (AuthChallenge.bearer, "Bearer"),
        (.bearerInvalidToken, #"Bearer error="invalid_token""#),
        (AuthChallenge(scheme: "Bearer", parameters: [.init("realm", #"a"b\c"#), .init("error", "x\ny")]), #"Bearer realm="a\"b\\c", error="xy""#),
    ])
    func challengeRendering(challenge: AuthChallenge, expected: String) {
        #expect(challenge.headerValue == expected)
    }

    @Test("bearer extraction", arguments: [
        ("Bearer abc.def.ghi", BearerToken.Extraction.token("abc.def.ghi")),
        ("bearer abc", .token("abc")), ("BEARER   abc  ", .token("abc")), ("Bearer a.b-c_d~e+f/g==", .token("a.b-c_d~e+f/g==")),
        ("Basic abc", .noBearerCredential), ("Bearer", .noBearerCredential), ("Bearerabc", .noBearerCredential), ("Bearer ", .noBearerCredential),
        ("Bearer a\"b", .malformed), ("Bearer a b", .malformed),
    ])
    func extraction(header: String, expected: BearerToken.Extraction) {
        var fields = HTTPFields()
        fields[.authorization] = header
        #expect(BearerToken.extract(from: fields) == expected)
    }

    @Test("b64token bytes are exactly RFC 6750's, for every byte value")
    func tokenBytes() {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(BearerToken.isTokenByte(byte) == allowed.contains(byte), "byte \(byte)")
        }
    }

    @Test("two Authorization headers are refused")
    func duplicateHeaders() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .authorization, value: "Bearer a"))
        fields.append(HTTPField(name: .authorization, value: "Bearer b"))
        #expect(BearerToken.extract(from: fields) == .malformed)
    }
}

@Suite("API Gateway authorizer as a policy (executeAPI)")
struct ExecuteAPIPolicyTests {
    static let api = ExecuteAPIResource(region: "us-east-1", accountId: "123456789012", apiId: "local", stage: "prod")
    static let rules: [ExecuteAPIRule] = [
        .allow(scope: "orders/read", method: "GET", path: "orders/*"),
        .allow(scope: "orders/write", method: "POST", path: "orders"),
        .deny(group: "suspended", method: "*", path: "*"),
    ]
    static let reader = Identity(kind: .user, subject: "u1", username: "alice", scopes: ["orders/read"], groups: ["customers"])
    static let suspended = Identity(kind: .user, subject: "u2", username: "mallory", scopes: ["orders/read", "orders/write"], groups: ["suspended"])
    static let security = RouteSecurity(
        [BearerTokenAuthenticator(verifier: FixedTokenVerifier(["t-reader": reader, "t-bad": suspended]))],
        policy: .executeAPI(api, rules: rules))

    @Test("a scope grants the method; the identity and user token reach the handler")
    func allowsByScope() async throws {
        let (ok, auth) = try await run(Self.security, headers: bearer("t-reader"))
        #expect(ok.status == .ok)
        #expect(auth?.user?.username == "alice")
        #expect(auth?.userToken == "t-reader")
        let (forbidden, _) = try await run(Self.security, method: .post, path: "/orders", headers: bearer("t-reader"))
        #expect(forbidden.status == .forbidden)
        #expect(forbidden.headerFields[.wwwAuthenticate] == #"Bearer error="insufficient_scope""#)
    }

    @Test("an explicit deny wins even with the scope")
    func explicitDeny() async throws {
        #expect(try await run(Self.security, headers: bearer("t-bad")).0.status == .forbidden)
    }

    @Test("the method ARN is the path the router serves: a Deny cannot be dodged by spelling", arguments: [
        (HTTPRequest.Method.get, "/orders/1"), (.get, "//orders//1"), (.get, "/orders/1/"), (.get, "/orders/%31"), (.head, "/orders/1"),
    ])
    func denyHoldsForEverySpelling(method: HTTPRequest.Method, path: String) async throws {
        let security = RouteSecurity(
            [BearerTokenAuthenticator(verifier: FixedTokenVerifier(["t-reader": Self.reader]))],
            policy: .executeAPI(Self.api, rules: [.allow(scope: "orders/read", method: "GET", path: "orders/*"), .deny(method: "*", path: "orders/1")]))
        #expect(try await run(security, method: method, path: path, headers: bearer("t-reader")).0.status == .forbidden)
        #expect(try await run(security, method: method, path: path.replacingOccurrences(of: "1", with: "2"), headers: bearer("t-reader")).0.status == .ok)
    }

    @Test("a `*` spelled into the path (%2A) does not dodge a Deny whose pattern has a `*` there")
    func encodedStarDoesNotDodgeADeny() async throws {
        let security = RouteSecurity(
            [BearerTokenAuthenticator(verifier: FixedTokenVerifier(["t-reader": Self.reader]))],
            policy: .executeAPI(Self.api, rules: [.allow(scope: "orders/read", method: "GET", path: "*"), .deny(method: "GET", path: "orders/*/secret")]))
        for path in ["/orders/7/a/secret", "/orders/%2A/a/secret", "/orders/%2a/secret", "/orders/*/a/secret"] {
            #expect(try await run(security, path: path, headers: bearer("t-reader")).0.status == .forbidden, "\(path)")
        }
        #expect(try await run(security, path: "/orders/%2A/a/public", headers: bearer("t-reader")).0.status == .ok)
    }

    @Test("a rule's path is read as the router reads paths: a leading /, // and a trailing / do not make a Deny match nothing")
    func rulePathsAreCanonical() async throws {
        let security = RouteSecurity(
            [BearerTokenAuthenticator(verifier: FixedTokenVerifier(["t-reader": Self.reader]))],
            policy: .executeAPI(Self.api, rules: [
                .allow(method: "*", path: "/*"), .deny(method: "*", path: "/admin/*"), .deny(method: "GET", path: "orders//secret/"),
            ]))
        #expect(try await run(security, path: "/orders/1", headers: bearer("t-reader")).0.status == .ok)
        #expect(try await run(security, path: "/admin/users", headers: bearer("t-reader")).0.status == .forbidden)
        #expect(try await run(security, path: "/orders/secret", headers: bearer("t-reader")).0.status == .forbidden)
        #expect(resourcePattern("/a//b/") == "a/b")
        #expect(resourcePattern("orders/?") == "orders/?", "a ? is a wildcard in a pattern, not a query")
    }

    @Test("a * in the API id or stage is literal: it cannot stretch over the method")
    func wildcardInTheStageArn() async throws {
        // Read as IAM reads `arn:…:a*b/prod/GET/x`, the `*` would span into the path and let
        // `DELETE /b/prod/GET/x` through an Allow written for `GET x`. The stage ARN is the
        // API's name, shared by every rule and every request, so only `METHOD/path` is matched.
        let api = ExecuteAPIResource(region: "us-east-1", accountId: "123456789012", apiId: "a*b", stage: "*")
        let security = RouteSecurity(
            [BearerTokenAuthenticator(verifier: FixedTokenVerifier(["t-reader": Self.reader]))],
            policy: .executeAPI(api, rules: [.allow(method: "GET", path: "x"), .allow(method: "GET", path: "y/*"), .deny(method: "*", path: "y/secret")]))
        #expect(try await run(security, path: "/x", headers: bearer("t-reader")).0.status == .ok)
        #expect(try await run(security, path: "/y/1", headers: bearer("t-reader")).0.status == .ok)
        #expect(try await run(security, method: .delete, path: "/b/prod/GET/x", headers: bearer("t-reader")).0.status == .forbidden)
        #expect(try await run(security, method: .delete, path: "/GET/x", headers: bearer("t-reader")).0.status == .forbidden)
        #expect(try await run(security, path: "/y/secret", headers: bearer("t-reader")).0.status == .forbidden)
        #expect(try await run(security, method: .post, path: "/x", headers: bearer("t-reader")).0.status == .forbidden)
    }

    @Test("the canonical path's shortcut for paths already canonical agrees with splitting and re-joining")
    func canonicalPathShortcut() {
        #expect(canonicalResourcePath("/orders/1?x=1") == "/orders/1")
        #expect(canonicalResourcePath("/") == "/")
        #expect(canonicalResourcePath("") == "/")
        #expect(canonicalResourcePath("//orders//1/") == "/orders/1")
        // Every path of up to five characters over the alphabet that matters.
        let alphabet = ["/", "a", "%", "2", "F", "?"]
        var paths = [""]
        for _ in 0..<5 { paths += paths.filter { $0.count == paths.last!.count }.flatMap { path in alphabet.map { path + $0 } } }
        #expect(paths.count == 9_331)
        for path in paths {
            #expect(canonicalResourcePath(path).utf8.elementsEqual(canonicalResourcePathBySegments(path).utf8), "\(path)")
        }
    }

    @Test("missing, malformed and invalid tokens are 401 with their challenges")
    func unauthenticated() async throws {
        let (missing, _) = try await run(Self.security)
        #expect(missing.status == .unauthorized)
        #expect(missing.headerFields[.wwwAuthenticate] == "Bearer")
        let (invalid, _) = try await run(Self.security, headers: bearer("nope"))
        #expect(invalid.status == .unauthorized)
        #expect(invalid.headerFields[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
        #expect(try await run(Self.security, headers: bearer("a b")).0.status == .unauthorized)
    }
}
