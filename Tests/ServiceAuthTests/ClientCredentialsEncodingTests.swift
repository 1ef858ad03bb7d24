import Foundation
import HTTPTypes
import ServiceAuth
import Testing

@Suite("Client-credentials request encoding")
struct ClientCredentialsEncodingTests {
    private func recordedRequest(_ configuration: ClientCredentialsTokenProvider.Configuration) async throws -> TokenTestTransport.Recorded {
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(configuration: configuration, transport: transport, logger: .tokenTest)
        _ = try await provider.accessToken()
        return try #require(transport.requests.first)
    }

    @Test("client_secret_basic: id and secret are form-url-encoded, then base64 (RFC 6749 §2.3.1)")
    func basic() async throws {
        var configuration = ClientCredentialsTokenProvider.Configuration.test(scopes: ["orders/read", "orders/write"])
        configuration.clientId = "svc:a b"
        configuration.clientSecret = "s%é+/:="
        let recorded = try await recordedRequest(configuration)
        // "svc:a b" → "svc%3Aa+b"; "s%é+/:=" → "s%25%C3%A9%2B%2F%3A%3D".
        let expected = "Basic " + Data("svc%3Aa+b:s%25%C3%A9%2B%2F%3A%3D".utf8).base64EncodedString()
        #expect(recorded.request.headerFields[.authorization] == expected)
        #expect(recorded.request.method == .post)
        #expect(recorded.request.path == "/oauth2/token")
        #expect(recorded.request.headerFields[.contentType] == "application/x-www-form-urlencoded")
        #expect(recorded.body == "grant_type=client_credentials&scope=orders%2Fread+orders%2Fwrite")
        #expect(!recorded.body.contains("client_secret"))
    }

    @Test("client_secret_basic with Cognito-style alphanumeric credentials is plain base64(id:secret)")
    func basicCognito() async throws {
        var configuration = ClientCredentialsTokenProvider.Configuration.test()
        configuration.clientId = "4example1clientid2abc"
        configuration.clientSecret = "1secret2ABC3xyz"
        let recorded = try await recordedRequest(configuration)
        #expect(recorded.request.headerFields[.authorization] == "Basic " + Data("4example1clientid2abc:1secret2ABC3xyz".utf8).base64EncodedString())
    }

    @Test("client_secret_post: id and secret in the form body, no Authorization header")
    func post() async throws {
        var configuration = ClientCredentialsTokenProvider.Configuration.test(scopes: ["orders/invoke"], authMethod: .clientSecretPost)
        configuration.clientId = "svc:a b"
        configuration.clientSecret = "s&e=c"
        let recorded = try await recordedRequest(configuration)
        #expect(recorded.request.headerFields[.authorization] == nil)
        #expect(recorded.body == "grant_type=client_credentials&scope=orders%2Finvoke&client_id=svc%3Aa+b&client_secret=s%26e%3Dc")
    }

    @Test("no scope parameter when no scopes are configured")
    func noScopes() async throws {
        let recorded = try await recordedRequest(.test(scopes: []))
        #expect(recorded.body == "grant_type=client_credentials")
    }

    @Test("scopes with characters RFC 6749 §3.3 forbids are a configuration error", arguments: ["a b", "", "a\"b", "a\\b", "é"])
    func badScope(scope: String) async throws {
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(configuration: .test(scopes: ["ok", scope]), transport: transport, logger: .tokenTest)
        let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        #expect(error?.code == .invalidConfiguration)
        #expect(transport.requestCount == 0)
    }

    @Test("the Cognito domain's token endpoint")
    func cognitoEndpoint() {
        #expect(
            ClientCredentialsTokenProvider.Configuration.cognitoTokenEndpoint(domainPrefix: "my-app", region: "eu-west-1")
                == "https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token"
        )
    }
}
