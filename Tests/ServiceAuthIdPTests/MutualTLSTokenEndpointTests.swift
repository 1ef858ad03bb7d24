import Foundation
import HTTPTypes
import ServiceAuth
import Testing
@testable import ServiceAuthIdP

/// `/oauth2/token` over mutual TLS (RFC 8705): certificate-bound access tokens and
/// `tls_client_auth`, driven through the issuer's router with the client certificate a
/// verified handshake would deliver.
@Suite struct MutualTLSTokenEndpointTests {
    static let authority = try! LocalCertificateAuthority(trustDomain: "demo.local")
    static let orders = try! authority.issue(workload: "orders").peerCertificate()
    static let gateway = try! authority.issue(workload: "gateway").peerCertificate()

    static var configuration: IdPConfiguration {
        var configuration = IdPConfiguration.demo
        configuration.clients += [
            .init(clientId: "orders-mtls", allowedScopes: ["orders/invoke"], tlsClientAuthSanURI: "spiffe://demo.local/ns/demo/sa/orders"),
            .init(clientId: "orders-dn", allowedScopes: ["orders/invoke"], tlsClientAuthSubjectDN: "CN=orders,O=demo.local"),
        ]
        return configuration
    }

    let clock = TestClock()
    let issuer: LocalIssuer

    init() throws {
        issuer = try LocalIssuer(
            configuration: Self.configuration, options: .init(issuerBase: "http://idp.test", now: clock.closure),
            signingKey: TestSigningKey.shared)
    }

    func token(_ body: String, basic: (String, String)? = nil, peer: PeerCertificate?) async throws -> (Int, [String: Any]) {
        let (response, text) = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: basic), body: body, peer: peer)
        return (response.status.code, jsonObject(text))
    }

    func confirmation(_ answer: [String: Any]) -> [String: Any]? {
        jwtParts(answer["access_token"] as? String ?? "").payload["cnf"] as? [String: Any]
    }

    @Test func aSecretClientOverMutualTLSGetsABoundToken() async throws {
        let (status, answer) = try await token("grant_type=client_credentials", basic: ("gateway", "gateway-secret"), peer: Self.gateway)
        #expect(status == 200)
        #expect(confirmation(answer)?["x5t#S256"] as? String == Self.gateway.thumbprintSHA256)
        // Without a client certificate the same client gets a plain bearer token.
        let (plainStatus, plain) = try await token("grant_type=client_credentials", basic: ("gateway", "gateway-secret"), peer: nil)
        #expect(plainStatus == 200)
        #expect(confirmation(plain) == nil)
    }

    @Test func tlsClientAuthWithTheConfiguredCertificate() async throws {
        for client in ["orders-mtls", "orders-dn"] {
            let (status, answer) = try await token("grant_type=client_credentials&client_id=\(client)", peer: Self.orders)
            #expect(status == 200, "\(client): \(answer)")
            let claims = jwtParts(answer["access_token"] as? String ?? "").payload
            #expect(claims["client_id"] as? String == client)
            #expect(confirmation(answer)?["x5t#S256"] as? String == Self.orders.thumbprintSHA256)
        }
    }

    /// Another workload's certificate, no certificate, or a secret instead: `invalid_client`.
    @Test(arguments: ["orders-mtls", "orders-dn"])
    func tlsClientAuthFailures(client: String) async throws {
        let (wrong, wrongAnswer) = try await token("grant_type=client_credentials&client_id=\(client)", peer: Self.gateway)
        #expect(wrong == 401)
        #expect(wrongAnswer["error"] as? String == "invalid_client")
        let (none, noneAnswer) = try await token("grant_type=client_credentials&client_id=\(client)", peer: nil)
        #expect(none == 401)
        #expect(noneAnswer["error"] as? String == "invalid_client")
        let (post, postAnswer) = try await token("grant_type=client_credentials&client_id=\(client)&client_secret=x", peer: Self.orders)
        #expect(post == 401)
        #expect(postAnswer["error"] as? String == "invalid_client")
        let (basic, basicAnswer) = try await token("grant_type=client_credentials", basic: (client, "x"), peer: Self.orders)
        #expect(basic == 401)
        #expect(basicAnswer["error"] as? String == "invalid_client")
    }

    @Test func aPublicClientStaysUnauthorized() async throws {
        let (status, answer) = try await token("grant_type=client_credentials&client_id=web", peer: Self.orders)
        #expect(status == 400)
        #expect(answer["error"] as? String == "unauthorized_client")
    }

    @Test func theBoundTokenVerifiesAndBindsTheCaller() async throws {
        let (_, answer) = try await token("grant_type=client_credentials&client_id=orders-mtls", peer: Self.orders)
        let accessToken = try #require(answer["access_token"] as? String)
        let (_, jwks) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/jwks.json")
        let verifier = JWTVerifier(
            configuration: .init(issuers: ["http://idp.test/us-east-1_LOCAL"], audience: .clientIds(["orders-mtls"])),
            jwks: JWKSCache(jwksURI: URL(string: "http://127.0.0.1:9000/jwks")!, transport: StaticJWKS(body: Array(jwks.utf8))),
            now: clock.closure)
        let identity = try await verifier.verifyIdentity(accessToken)
        #expect(identity.boundCertificateThumbprint == Self.orders.thumbprintSHA256)
        #expect(throws: Never.self) { try identity.verifyCertificateBinding(presented: Self.orders) }
        #expect(throws: AuthFailure.self) { try identity.verifyCertificateBinding(presented: Self.gateway) }
    }

    @Test func discoveryAnnouncesRFC8705() async throws {
        let (_, text) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/openid-configuration")
        let document = jsonObject(text)
        #expect(document["tls_client_certificate_bound_access_tokens"] as? Bool == true)
        #expect((document["token_endpoint_auth_methods_supported"] as? [String])?.contains("tls_client_auth") == true)
    }

    @Test(arguments: [
        (#"{"clientId":"a","tlsClientAuthSanURI":"spiffe://demo.local/ns/demo/sa/a","clientSecret":"s"}"#, "clients[0].clientSecret"),
        (#"{"clientId":"a","tlsClientAuthSanURI":"not a uri"}"#, "clients[0].tlsClientAuthSanURI"),
        (#"{"clientId":"a","tlsClientAuthSanURI":"spiffe:"}"#, "clients[0].tlsClientAuthSanURI"),
        (#"{"clientId":"a","tlsClientAuthSubjectDN":""}"#, "clients[0].tlsClientAuthSubjectDN"),
        (#"{"clientId":"a","tlsClientAuthSanUri":"spiffe://demo.local/x"}"#, "clients[0].tlsClientAuthSanUri"),
    ])
    func configurationIsStrict(client: String, key: String) throws {
        let json = #"{"region":"us-east-1","userPoolId":"us-east-1_LOCAL","accountId":"123456789012","clients":[\#(client)]}"#
        #expect {
            _ = try IdPConfiguration.decode(Data(json.utf8))
        } throws: { error in
            (error as? IdPConfigurationError)?.key == key
        }
    }

    @Test func aTLSClientDecodes() throws {
        let json = #"""
            {"region":"us-east-1","userPoolId":"us-east-1_LOCAL","accountId":"123456789012",
             "clients":[{"clientId":"a","clientSecret":null,"tlsClientAuthSanURI":"spiffe://demo.local/ns/demo/sa/a",
                         "tlsClientAuthSubjectDN":"CN=a,O=demo.local"}]}
            """#
        let client = try #require(try IdPConfiguration.decode(Data(json.utf8)).clients.first)
        #expect(client.usesTLSClientAuth)
        #expect(client.tlsClientAuthSanURI == "spiffe://demo.local/ns/demo/sa/a")
        #expect(client.tlsClientAuthSubjectDN == "CN=a,O=demo.local")
    }
}

/// Serves one fixed JWKS document.
struct StaticJWKS: HTTPTransport {
    let body: [UInt8]
    func send(_ request: HTTPRequest, body: [UInt8]?, timeout: Duration, maxResponseBytes: Int) async throws -> (HTTPResponse, [UInt8]) {
        (HTTPResponse(status: .ok), self.body)
    }
}
