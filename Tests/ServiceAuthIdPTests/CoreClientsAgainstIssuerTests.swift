import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthIdP
import ServiceAuthTesting
import Testing

/// The package's own clients against the issuer over loopback: the chain the samples use
/// (orders assumes its role and signs calls to inventory, which trusts the issuer's sessions).
@Suite struct CoreClientsAgainstIssuerTests {
    @Test func assumeRoleCredentialsVerifyOfflineWithTheIssuerKey() async throws {
        let issuer = try LocalIssuer(signingKey: TestSigningKey.shared)
        try await withTestServer(router: issuer.router()) { baseURL in
            issuer.setIssuerBase(baseURL)
            let transport = AsyncHTTPTransport()
            let provider = AssumeRoleCredentialsProvider(
                configuration: .init(
                    roleArn: "arn:aws:iam::123456789012:role/orders", roleSessionName: "orders",
                    durationSeconds: 900, stsEndpoint: URL(string: baseURL)!, region: "us-east-1"
                ),
                sourceCredentials: StaticCredentialsProvider(
                    AWSCredentials(accessKeyId: "AKIAORDERSSERVICE001", secretAccessKey: "orders-service-secret-access-key")
                ),
                transport: transport
            )
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.sessionToken?.hasPrefix("SAT1.") == true)

            // A downstream service started with `--trust-issuer-sts KEYFILE`, the file written
            // by `serviceauth idp --session-key-file`.
            let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("sts-\(UUID().uuidString).key").path
            try issuer.writeSessionKey(toFile: keyFile)
            defer { try? FileManager.default.removeItem(atPath: keyFile) }
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let store = try IssuerSessionCredentialStore(keyFile: keyFile)
            let verifier = SigV4Verifier(configuration: .init(region: "us-east-1", service: "execute-api", acceptedHosts: .anyHost), credentialStore: store)
            let request = HTTPRequest(method: .get, scheme: "http", authority: "inventory.test", path: "/items/42")
            let signed = SigV4Signer(region: "us-east-1", service: "execute-api").sign(request, credentials: credentials)
            let verified = try await verifier.verify(signed.request, body: [])
            #expect(verified.principal == "arn:aws:sts::123456789012:assumed-role/orders/orders")

            // The untrusted IAM user cannot get credentials for the orders role.
            let reports = AssumeRoleCredentialsProvider(
                configuration: .init(roleArn: "arn:aws:iam::123456789012:role/orders", roleSessionName: "x1", stsEndpoint: URL(string: baseURL)!),
                sourceCredentials: StaticCredentialsProvider(
                    AWSCredentials(accessKeyId: "AKIAREPORTSSERVICE01", secretAccessKey: "reports-service-secret-access-key")
                ),
                transport: transport
            )
            await #expect(throws: (any Error).self) { try await reports.credentials() }
        }
    }

    @Test func clientCredentialsTokensVerifyWithTheJWTVerifier() async throws {
        let issuer = try LocalIssuer(signingKey: TestSigningKey.shared)
        try await withTestServer(router: issuer.router()) { baseURL in
            issuer.setIssuerBase(baseURL)
            let transport = AsyncHTTPTransport()
            let provider = ClientCredentialsTokenProvider(
                configuration: .init(
                    tokenEndpoint: URL(string: "\(baseURL)/oauth2/token")!, clientId: "gateway", clientSecret: "gateway-secret", scopes: ["orders/invoke"]
                ),
                transport: transport
            )
            let token = try await provider.accessToken()
            #expect(try await provider.accessToken() == token)

            let iss = try #require(issuer.issuer)
            // Real time plus an offset the test moves: tokens come from the issuer's real clock.
            let offset = TestClock(0)
            let clock: @Sendable () -> Date = { Date().addingTimeInterval(offset.now.timeIntervalSince1970) }
            let verifier = JWTVerifier(
                configuration: .init(issuers: [iss], audience: .clientIds(["gateway"]), tokenUse: .access),
                transport: transport,
                now: clock
            )
            let verified = try await verifier.verify(token)
            #expect(verified.clientId == "gateway")
            #expect(verified.scopes == ["orders/invoke"])
            #expect(verified.keyID == issuer.activeKeyID)

            // The provider cached the token: the issuer saw one request.
            let (_, metrics) = try await send(issuer, .get, "/metrics")
            #expect(metrics.contains(#"serviceauth_idp_token_requests_total{grant="client_credentials",client="gateway"} 1"#))

            // Rotation: the old token still verifies, a new one carries the new kid and verifies
            // too (the verifier fetches the JWKS again for the unknown kid).
            let newKid = try issuer.rotateKeys()
            #expect(try await verifier.verify(token).keyID != newKid)
            let (_, body) = try await send(
                issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")), body: "grant_type=client_credentials"
            )
            let fresh = try #require(jsonObject(body)["access_token"] as? String)
            // The verifier refetches keys for an unknown kid at most once a second.
            offset.advance(2)
            #expect(try await verifier.verify(fresh).keyID == newKid)
        }
    }

    @Test func userTokensVerifyWithTheJWTVerifierIncludingACognitoStyleIssuer() async throws {
        var configuration = IdPConfiguration.demo
        configuration.issuer = JWTVerifier.cognitoIssuer(region: "us-east-1", userPoolId: "us-east-1_LOCAL")
        let issuer = try LocalIssuer(configuration: configuration, signingKey: TestSigningKey.shared)
        try await withTestServer(router: issuer.router()) { baseURL in
            issuer.setIssuerBase(baseURL)
            let login = #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password"}}"#
            let (_, answer) = try await send(issuer, .post, "/", headers: cognitoHeaders(), body: login)
            let result = try #require(jsonObject(answer)["AuthenticationResult"] as? [String: Any])
            let jwksURI = "\(baseURL)/us-east-1_LOCAL/.well-known/jwks.json"
            let transport = AsyncHTTPTransport()

            let accessVerifier = JWTVerifier(
                configuration: .init(
                    issuers: ["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LOCAL"], audience: .clientIds(["web"]), tokenUse: .access
                ),
                jwksURI: URL(string: jwksURI)!, transport: transport
            )
            let access = try await accessVerifier.verify(try #require(result["AccessToken"] as? String))
            #expect(access.username == "alice")
            #expect(access.groups == ["customers"])
            #expect(access.scopes.contains("orders/read"))

            let idVerifier = JWTVerifier(
                configuration: .init(issuers: [try #require(configuration.issuer)], audience: .clientIds(["web"]), tokenUse: .id),
                jwksURI: URL(string: jwksURI)!, transport: transport
            )
            let id = try await idVerifier.verify(try #require(result["IdToken"] as? String))
            #expect(id.username == "alice")
            #expect(id.subject == access.subject)
            // An access token is not an id token.
            await #expect(throws: JWTError.self) { try await idVerifier.verify(try #require(result["AccessToken"] as? String)) }
        }
    }
}
