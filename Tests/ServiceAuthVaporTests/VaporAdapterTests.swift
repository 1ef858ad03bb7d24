import AdapterTestSupport
import HTTPTypes
import ServiceAuth
import ServiceAuthVapor
import Testing
import Vapor

@Suite("Vapor adapter")
struct VaporAdapterTests {
    @Test("JWT: 200 with the identity current, 401 missing or invalid, 403 without the scope", arguments: Mode.allCases)
    func jwt(mode: Mode) async throws {
        try await TestApplication.run(mode) { caller in
            let ok = try await caller.send(.GET, "/jwt/orders", headers: bearer(TestTokens.service(scopes: "orders/read")))
            #expect(ok.status == 200)
            #expect(ok.text == "caller=svc-gateway current=svc-gateway")

            let missing = try await caller.send(.GET, "/jwt/orders")
            #expect(missing.status == 401)
            #expect(missing.challenges == ["Bearer"])
            #expect(missing.text.hasPrefix(#"{"error":"missing_token","#))
            #expect(missing.headers.first(name: .contentType) == "application/json")

            let forged = try await caller.send(.GET, "/jwt/orders", headers: bearer(TestTokens.forged()))
            #expect(forged.status == 401)
            #expect(forged.challenges == [#"Bearer error="invalid_token""#])
            #expect(forged.text.hasPrefix(#"{"error":"bad_signature","#))

            let noScope = try await caller.send(.GET, "/jwt/orders", headers: bearer(TestTokens.service(scopes: "orders/write")))
            #expect(noScope.status == 403)
            #expect(noScope.challenges == [#"Bearer error="insufficient_scope""#])
            #expect(noScope.text.hasPrefix(#"{"error":"missing_scope","#))
        }
    }

    @Test("JWT or SigV4: both mechanisms allowed, 401 with both challenges, 403 otherwise", arguments: Mode.allCases, ["/reports/daily", "/reports-stepwise/daily"])
    func jwtOrSigV4(mode: Mode, path: String) async throws {
        try await TestApplication.run(mode) { caller in
            let jwt = try await caller.send(.GET, path, headers: bearer(TestTokens.service(scopes: "orders/read")))
            #expect(jwt.status == 200)
            #expect(jwt.text == "service svc-gateway current=true")

            let sigV4 = try await caller.send(.GET, path, headers: caller.signed(.get, path, as: TestSigV4.reports))
            #expect(sigV4.status == 200)
            #expect(sigV4.text == "role arn:aws:iam::123456789012:role/reports current=true")

            let anonymous = try await caller.send(.GET, path)
            #expect(anonymous.status == 401)
            #expect(anonymous.challenges == ["Bearer", "AWS4-HMAC-SHA256"])
            let (_, expected) = RouteSecurity([TestApplication.bearer, TestApplication.sigV4])
                .unauthenticatedFailure(for: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path)).response()
            #expect(anonymous.text == String(decoding: expected.bufferedBytes ?? [], as: UTF8.self))

            let noScope = try await caller.send(.GET, path, headers: bearer(TestTokens.service(scopes: "orders/write")))
            #expect(noScope.status == 403)
            #expect(noScope.text.hasPrefix(#"{"error":"missing_scope","#))

            let otherRole = try await caller.send(.GET, path, headers: caller.signed(.get, path, as: TestSigV4.other))
            #expect(otherRole.status == 403)
            #expect(otherRole.text.hasPrefix(#"{"error":"AccessDenied","#))
        }
    }

    @Test("SigV4: the verified body reaches the handler; a tampered one is 401; an oversized one 413", arguments: Mode.allCases)
    func sigV4Body(mode: Mode) async throws {
        try await TestApplication.run(mode) { caller in
            let body = Array(#"{"sku":"a-1"}"#.utf8)
            let ok = try await caller.send(.POST, "/sigv4/items", headers: caller.signed(.post, "/sigv4/items", body: body, as: TestSigV4.writer), body: body)
            #expect(ok.status == 200)
            #expect(ok.text == #"arn:aws:iam::123456789012:role/writer {"sku":"a-1"}"#)

            let signed = caller.signed(.post, "/sigv4/items", body: Array("amount=1".utf8), as: TestSigV4.writer)
            let tampered = try await caller.send(.POST, "/sigv4/items", headers: signed, body: Array("amount=9".utf8))
            #expect(tampered.status == 401)
            #expect(tampered.challenges == ["AWS4-HMAC-SHA256"])
            #expect(tampered.text.hasPrefix(#"{"error":"SignatureDoesNotMatch","#))

            let large = [UInt8](repeating: UInt8(ascii: "a"), count: 65)
            let tooLarge = try await caller.send(.POST, "/sigv4/items", headers: caller.signed(.post, "/sigv4/items", body: large, as: TestSigV4.writer), body: large)
            #expect(tooLarge.status == 413)
        }
    }

    @Test("AuthContext.current reaches async handlers, and sync ones under traceAutoPropagation", arguments: Mode.allCases)
    func traceAutoPropagation(mode: Mode) async throws {
        try await TestApplication.run(mode, traceAutoPropagation: true) { caller in
            for path in ["/jwt/orders", "/jwt/orders-sync"] {
                let ok = try await caller.send(.GET, path, headers: bearer(TestTokens.service(scopes: "orders/read")))
                #expect(ok.status == 200)
                #expect(ok.text == "caller=svc-gateway current=svc-gateway")
            }
        }
    }

    @Test("Vapor's guardMiddleware sees an identity only when one was proved", arguments: Mode.allCases)
    func guardMiddleware(mode: Mode) async throws {
        try await TestApplication.run(mode) { caller in
            #expect(try await caller.send(.GET, "/guarded/ping").status == 401)
            #expect(try await caller.send(.GET, "/guarded/ping", headers: [.authorization: "Basic YTpi"]).status == 401)
            let valid = try await caller.send(.GET, "/guarded/ping", headers: bearer(TestTokens.service()))
            #expect(valid.status == 200)
            #expect(valid.text == "pong")
        }
    }
}
