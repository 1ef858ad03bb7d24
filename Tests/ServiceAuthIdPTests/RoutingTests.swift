import Foundation
import HTTPTypes
import Testing
@testable import ServiceAuthIdP

@Suite struct RoutingTests {
    let issuer: LocalIssuer

    init() throws {
        issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
    }

    @Test func discoveryDocumentPointsAtTheIssuer() async throws {
        let (response, body) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/openid-configuration")
        #expect(response.status == .ok)
        let document = jsonObject(body)
        #expect(document["issuer"] as? String == "http://idp.test/us-east-1_LOCAL")
        #expect(document["jwks_uri"] as? String == "http://idp.test/us-east-1_LOCAL/.well-known/jwks.json")
        #expect(document["token_endpoint"] as? String == "http://idp.test/oauth2/token")
        #expect((document["scopes_supported"] as? [String])?.contains("orders/invoke") == true)
    }

    @Test func issuerOverrideSetsIssButNotTheKeyLocation() async throws {
        var configuration = IdPConfiguration.demo
        configuration.issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LOCAL"
        let overridden = try LocalIssuer(configuration: configuration, options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
        let (_, body) = try await send(overridden, .get, "/us-east-1_LOCAL/.well-known/openid-configuration")
        #expect(jsonObject(body)["issuer"] as? String == configuration.issuer)
        #expect(jsonObject(body)["jwks_uri"] as? String == "http://idp.test/us-east-1_LOCAL/.well-known/jwks.json")
    }

    @Test func unknownIssuerBaseFallsBackToTheHostHeader() async throws {
        let issuer = try LocalIssuer(signingKey: TestSigningKey.shared)
        let (_, body) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/openid-configuration", authority: "localhost:7777")
        #expect(jsonObject(body)["issuer"] as? String == "http://localhost:7777/us-east-1_LOCAL")
        let (_, hostile) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/openid-configuration", authority: "evil\"/x")
        #expect(jsonObject(hostile)["issuer"] as? String == "http://127.0.0.1/us-east-1_LOCAL")
    }

    @Test(arguments: [
        (HTTPRequest.Method.get, "/healthz", 200),
        (.get, "/metrics", 200),
        (.get, "/nowhere", 404),
        (.get, "/us-east-1_OTHER/.well-known/jwks.json", 404),
        (.post, "/us-east-1_LOCAL/.well-known/jwks.json", 405),
        (.get, "/oauth2/token", 405),
        (.delete, "/", 405),
        (.get, "/local/sts-session-key", 404),
        (.post, "/local/rotate-keys", 404),
    ])
    func routes(method: HTTPRequest.Method, path: String, status: Int) async throws {
        let (response, _) = try await send(issuer, method, path)
        #expect(response.status.code == status)
    }

}
