import AdapterTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceAuth
import ServiceAuthHummingbird
import Testing

@Suite("Hummingbird adapter")
struct HummingbirdAdapterTests {
    @Test("JWT: a valid token with the scope reaches the handler, with its identity current", arguments: Mode.allCases)
    func jwtValid(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let response = try await client.execute(uri: "/jwt/orders", method: .get, headers: bearer(TestTokens.service(scopes: "orders/read")))
            #expect(response.status == .ok)
            #expect(response.text == "caller=svc-gateway current=svc-gateway")
        }
    }

    @Test("JWT: no token is 401 missing_token with a bare Bearer challenge", arguments: Mode.allCases)
    func jwtMissing(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let response = try await client.execute(uri: "/jwt/orders", method: .get)
            #expect(response.status == .unauthorized)
            #expect(response.challenges == ["Bearer"])
            #expect(response.text.hasPrefix(#"{"error":"missing_token","#))
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.cacheControl] == "no-store")
        }
    }

    @Test("JWT: a forged or malformed token is 401 invalid_token", arguments: Mode.allCases)
    func jwtInvalid(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let forged = try await client.execute(uri: "/jwt/orders", method: .get, headers: bearer(TestTokens.forged()))
            #expect(forged.status == .unauthorized)
            #expect(forged.challenges == [#"Bearer error="invalid_token""#])
            #expect(forged.text.hasPrefix(#"{"error":"bad_signature","#))
            let garbage = try await client.execute(uri: "/jwt/orders", method: .get, headers: bearer("not-a-jwt"))
            #expect(garbage.status == .unauthorized)
            #expect(garbage.challenges == [#"Bearer error="invalid_token""#])
        }
    }

    @Test("JWT: a valid token without the scope is 403 missing_scope", arguments: Mode.allCases)
    func jwtMissingScope(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let response = try await client.execute(uri: "/jwt/orders", method: .get, headers: bearer(TestTokens.service(scopes: "orders/write")))
            #expect(response.status == .forbidden)
            #expect(response.challenges == [#"Bearer error="insufficient_scope""#])
            #expect(response.text.hasPrefix(#"{"error":"missing_scope","#))
        }
    }

    @Test("SigV4: a signed request reaches the handler with the verified body", arguments: Mode.allCases)
    func sigV4Valid(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let body = Array(#"{"sku":"a-1"}"#.utf8)
            let headers = TestSigV4.signedFields(.post, "/sigv4/items", body: body, as: TestSigV4.writer)
            let response = try await client.execute(uri: "/sigv4/items", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(response.status == .ok)
            #expect(response.text == #"arn:aws:iam::123456789012:role/writer {"sku":"a-1"}"#)
        }
    }

    @Test("SigV4: a tampered body is 401 SignatureDoesNotMatch", arguments: Mode.allCases)
    func sigV4Tampered(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let headers = TestSigV4.signedFields(.post, "/sigv4/items", body: Array("amount=1".utf8), as: TestSigV4.writer)
            let response = try await client.execute(uri: "/sigv4/items", method: .post, headers: headers, body: ByteBuffer(string: "amount=9"))
            #expect(response.status == .unauthorized)
            #expect(response.challenges == ["AWS4-HMAC-SHA256"])
            #expect(response.text.hasPrefix(#"{"error":"SignatureDoesNotMatch","#))
        }
    }

    @Test("SigV4: a principal the policy does not name is 403 AccessDenied", arguments: Mode.allCases)
    func sigV4Denied(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let headers = TestSigV4.signedFields(.post, "/sigv4/items", body: Array("x".utf8), as: TestSigV4.other)
            let response = try await client.execute(uri: "/sigv4/items", method: .post, headers: headers, body: ByteBuffer(string: "x"))
            #expect(response.status == .forbidden)
            #expect(response.text.hasPrefix(#"{"error":"AccessDenied","#))
        }
    }

    @Test("SigV4: a body over the authenticator's limit is 413", arguments: Mode.allCases)
    func sigV4TooLarge(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let body = [UInt8](repeating: UInt8(ascii: "a"), count: 65)
            let headers = TestSigV4.signedFields(.post, "/sigv4/items", body: body, as: TestSigV4.writer)
            let response = try await client.execute(uri: "/sigv4/items", method: .post, headers: headers, body: ByteBuffer(bytes: body))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test("Propagated user: the service's user is verified and reaches the handler", arguments: Mode.allCases)
    func propagatedUser(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            var headers = bearer(TestTokens.service(scopes: "orders/read"))
            headers[.init("X-Forwarded-Authorization")!] = "Bearer " + TestTokens.user("alice", scopes: "openid", groups: ["customers"])
            let allowed = try await client.execute(uri: "/propagated/me", method: .get, headers: headers)
            #expect(allowed.status == .ok)
            #expect(allowed.text == "user=alice caller=svc-gateway")

            headers[.init("X-Forwarded-Authorization")!] = "Bearer " + TestTokens.user("bob", scopes: "openid", groups: ["staff"])
            let wrongGroup = try await client.execute(uri: "/propagated/me", method: .get, headers: headers)
            #expect(wrongGroup.status == .forbidden)
            #expect(wrongGroup.text.hasPrefix(#"{"error":"missing_group","#))

            headers[.init("X-Forwarded-Authorization")!] = "Bearer " + TestTokens.forged()
            let forged = try await client.execute(uri: "/propagated/me", method: .get, headers: headers)
            #expect(forged.status == .unauthorized)
            #expect(forged.challenges == [#"Bearer error="invalid_token""#])
        }
    }

    @Test("JWT or SigV4: either mechanism is allowed; nothing is 401 with both challenges; others are 403", arguments: Mode.allCases)
    func jwtOrSigV4(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let jwt = try await client.execute(uri: "/reports/daily", method: .get, headers: bearer(TestTokens.service(scopes: "orders/read")))
            #expect(jwt.status == .ok)
            #expect(jwt.text == "service svc-gateway current=true")

            let signed = TestSigV4.signedFields(.get, "/reports/daily", as: TestSigV4.reports)
            let sigV4 = try await client.execute(uri: "/reports/daily", method: .get, headers: signed)
            #expect(sigV4.status == .ok)
            #expect(sigV4.text == "role arn:aws:iam::123456789012:role/reports current=true")

            let anonymous = try await client.execute(uri: "/reports/daily", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.challenges == ["Bearer", "AWS4-HMAC-SHA256"])
            // Exactly the core's rendering of the route's 401.
            let security = RouteSecurity([TestApplication.bearer, TestApplication.sigV4])
            let (_, expectedBody) = security.unauthenticatedFailure(for: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/reports/daily")).response()
            #expect(anonymous.text == String(decoding: expectedBody.bufferedBytes ?? [], as: UTF8.self))

            let noScope = try await client.execute(uri: "/reports/daily", method: .get, headers: bearer(TestTokens.service(scopes: "orders/write")))
            #expect(noScope.status == .forbidden)
            #expect(noScope.text.hasPrefix(#"{"error":"missing_scope","#))

            let otherRole = TestSigV4.signedFields(.get, "/reports/daily", as: TestSigV4.other)
            let denied = try await client.execute(uri: "/reports/daily", method: .get, headers: otherRole)
            #expect(denied.status == .forbidden)
            #expect(denied.text.hasPrefix(#"{"error":"AccessDenied","#))
        }
    }

    @Test("execute-api: a Deny holds behind Hummingbird's router, also for a canonically equivalent spelling", arguments: Mode.allCases)
    func executeAPIDenyHolds(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let token = bearer(TestTokens.service(scopes: "orders/read"))
            let open = try await client.execute(uri: "/api/open", method: .get, headers: token)
            #expect(open.status == .ok)
            let keys = try await client.execute(uri: "/api/Keys", method: .get, headers: token)
            #expect(keys.status == .forbidden)
            // KELVIN SIGN (U+212A) is canonically equivalent to K: Hummingbird's router serves
            // `/api/Keys` for it, while the method ARN keeps its bytes, which the Deny misses.
            // (Over a live connection the test client refuses to send such a target.)
            guard mode == .router else { return }
            let kelvin = try await client.execute(uri: "/api/\u{212A}eys", method: .get, headers: token)
            #expect(kelvin.status == .forbidden)
            #expect(kelvin.text.hasPrefix(#"{"error":"#))
        }
    }

    @Test("hummingbird-auth's IsAuthenticatedMiddleware sees an identity only when one was proved", arguments: Mode.allCases)
    func isAuthenticatedMiddleware(mode: Mode) async throws {
        try await TestApplication.make().test(mode.setup) { client in
            let anonymous = try await client.execute(uri: "/guarded/ping", method: .get)
            #expect(anonymous.status == .unauthorized)
            let otherScheme = try await client.execute(uri: "/guarded/ping", method: .get, headers: [.authorization: "Basic YTpi"])
            #expect(otherScheme.status == .unauthorized)
            let valid = try await client.execute(uri: "/guarded/ping", method: .get, headers: bearer(TestTokens.service()))
            #expect(valid.status == .ok)
            #expect(valid.text == "pong")
        }
    }
}
