import Foundation
import HTTPTypes
import Testing
@testable import ServiceAuthIdP

@Suite struct OAuthTokenEndpointTests {
    let issuer: LocalIssuer
    let clock = TestClock()

    init() throws {
        issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test", now: clock.closure), signingKey: TestSigningKey.shared)
    }

    @Test func basicAuthGetsACognitoShapedToken() async throws {
        let (response, body) = try await send(
            issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")),
            body: "grant_type=client_credentials&scope=orders%2Finvoke"
        )
        #expect(response.status == .ok)
        #expect(response.headerFields[.cacheControl] == "no-store")
        let answer = jsonObject(body)
        #expect(answer["token_type"] as? String == "Bearer")
        #expect(answer["expires_in"] as? Int == 3600)
        let (header, claims) = jwtParts(answer["access_token"] as? String ?? "")
        #expect(header["alg"] as? String == "RS256")
        #expect(header["kid"] as? String == issuer.activeKeyID)
        #expect(claims["iss"] as? String == "http://idp.test/us-east-1_LOCAL")
        #expect(claims["sub"] as? String == "gateway")
        #expect(claims["client_id"] as? String == "gateway")
        #expect(claims["token_use"] as? String == "access")
        #expect(claims["scope"] as? String == "orders/invoke")
        #expect(claims["version"] as? Int == 2)
        #expect(claims["iat"] as? Int == Int(clock.now.timeIntervalSince1970))
        #expect(claims["exp"] as? Int == Int(clock.now.timeIntervalSince1970) + 3600)
        #expect(claims["auth_time"] != nil && claims["jti"] != nil)
    }

    @Test func clientSecretPostAndDefaultScopes() async throws {
        let (response, body) = try await send(
            issuer, .post, "/oauth2/token", headers: formHeaders(),
            body: "grant_type=client_credentials&client_id=gateway&client_secret=gateway-secret"
        )
        #expect(response.status == .ok)
        #expect(jwtParts(jsonObject(body)["access_token"] as? String ?? "").payload["scope"] as? String == "orders/invoke")
    }

    /// Every failure has the OAuth shape and the right code; none is a server error.
    @Test(arguments: [
        (formHeaders(basic: ("gateway", "wrong")), "grant_type=client_credentials", 401, "invalid_client"),
        (formHeaders(basic: ("nobody", "x")), "grant_type=client_credentials", 401, "invalid_client"),
        (formHeaders(), "grant_type=client_credentials", 401, "invalid_client"),
        (formHeaders(), "grant_type=client_credentials&client_id=gateway", 401, "invalid_client"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "grant_type=client_credentials&scope=orders/read", 400, "invalid_scope"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "grant_type=client_credentials&scope=evil%0Ascope", 400, "invalid_scope"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "grant_type=password", 400, "unsupported_grant_type"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "grant_type=client_credentials&grant_type=client_credentials", 400, "invalid_request"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "scope=orders/invoke", 400, "invalid_request"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "grant_type=%zz", 400, "invalid_request"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "grant_type=%C3%28", 400, "invalid_request"),
        (formHeaders(basic: ("gateway", "gateway-secret")), "grant_type=client_credentials&client_secret=gateway-secret", 400, "invalid_request"),
        (formHeaders(), "grant_type=client_credentials&client_id=web", 400, "unauthorized_client"),
        ([.contentType: "application/json"], #"{"grant_type":"client_credentials"}"#, 400, "invalid_request"),
        ([.contentType: "application/x-www-form-urlencoded", .authorization: "Basic !!!"], "grant_type=client_credentials", 401, "invalid_client"),
        ([.contentType: "application/x-www-form-urlencoded", .authorization: "Bearer abc"], "grant_type=client_credentials", 401, "invalid_client"),
    ] as [(HTTPFields, String, Int, String)])
    func errorsHaveTheOAuthShape(headers: HTTPFields, body: String, status: Int, code: String) async throws {
        let (response, text) = try await send(issuer, .post, "/oauth2/token", headers: headers, body: body)
        #expect(response.status.code == status)
        #expect(jsonObject(text)["error"] as? String == code)
        #expect(!text.contains("gateway-secret"))
    }

    @Test func basicChallengeOnlyForBasicAuthentication() async throws {
        let (basic, _) = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "no")), body: "grant_type=client_credentials")
        #expect(basic.headerFields[.wwwAuthenticate]?.hasPrefix("Basic") == true)
        let (post, _) = try await send(
            issuer, .post, "/oauth2/token", headers: formHeaders(), body: "grant_type=client_credentials&client_id=gateway&client_secret=no"
        )
        #expect(post.headerFields[.wwwAuthenticate] == nil)
    }

    @Test func oversizedBodyIsRefusedWithTheOAuthShape() async throws {
        let (response, text) = try await send(
            issuer, .post, "/oauth2/token", headers: formHeaders(), body: "grant_type=" + String(repeating: "a", count: 70_000)
        )
        #expect(response.status == .contentTooLarge)
        #expect(jsonObject(text)["error"] as? String == "invalid_request")
    }

    @Test func metricsCountRequestsByGrantAndClient() async throws {
        for _ in 0..<2 {
            _ = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")), body: "grant_type=client_credentials")
        }
        _ = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("intruder", "x")), body: "grant_type=client_credentials")
        let (response, text) = try await send(issuer, .get, "/metrics")
        #expect(response.status == .ok)
        #expect(text.contains(#"serviceauth_idp_token_requests_total{grant="client_credentials",client="gateway"} 2"#))
        #expect(text.contains(#"serviceauth_idp_token_requests_total{grant="client_credentials",client="unknown"} 1"#))
        #expect(text.contains(#"serviceauth_idp_errors_total{api="oauth2",code="invalid_client"} 1"#))
        #expect(!text.contains("intruder"))
    }

    @Test func issuersHaveSeparateRegistries() async throws {
        let other = try LocalIssuer(options: .init(issuerBase: "http://other.test"))
        _ = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")), body: "grant_type=client_credentials")
        let (_, text) = try await send(other, .get, "/metrics")
        #expect(!text.contains(#"client="gateway"} 1"#))
    }
}

/// Cognito's built-in scopes may be allowed without a resource server, but `client_credentials`
/// never grants them (they describe a user; a client acting for itself has none).
@Suite struct BuiltInScopeGrantTests {
    @Test func clientCredentialsGrantsOnlyCustomScopes() async throws {
        var configuration = IdPConfiguration.demo
        let index = try #require(configuration.clients.firstIndex { $0.clientId == "gateway" })
        configuration.clients[index].allowedScopes += ["openid", "email"]
        let issuer = try LocalIssuer(configuration: configuration, options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
        let headers = formHeaders(basic: ("gateway", "gateway-secret"))

        let (response, body) = try await send(issuer, .post, "/oauth2/token", headers: headers, body: "grant_type=client_credentials")
        #expect(response.status == .ok)
        let scopes = (jwtParts(jsonObject(body)["access_token"] as? String ?? "").payload["scope"] as? String ?? "").split(separator: " ")
        #expect(!scopes.isEmpty && !scopes.contains("openid") && !scopes.contains("email"))

        let (refused, refusedBody) = try await send(issuer, .post, "/oauth2/token", headers: headers, body: "grant_type=client_credentials&scope=openid")
        #expect(refused.status == .badRequest)
        #expect(jsonObject(refusedBody)["error"] as? String == "invalid_scope")
    }
}
