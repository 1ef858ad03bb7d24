import Foundation
import ServiceAuth
import Testing

/// Plain-HTTP allowances are decided on the parsed host, never on a string prefix.
@Suite("Loopback decisions use the parsed host")
struct LoopbackHostTests {
    @Test(arguments: [
        "http://127.0.0.1:9000/oauth2/token", "http://127.1.2.3/", "http://localhost:8080", "http://LOCALHOST/x",
        "http://[::1]:9000/", "http://localhost./", "https://127.0.0.1",
    ])
    func loopback(_ url: String) {
        #expect(LoopbackHost.isLoopback(url: url))
    }

    @Test(arguments: [
        "http://127.evil.example/", "http://127.0.0.1.evil.example/", "http://localhost.evil/", "http://localhost@evil/",
        "http://evil@127.0.0.1/", "http://127.0.0.1@evil.example/", "http://[::1].evil/", "http://0177.0.0.1/",
        "http://127.0.0.1:80x/", "http://2130706433/", "http://[::2]/", "http://example.com/127.0.0.1", "127.0.0.1",
        "http://sub.localhost/",
    ])
    func notLoopback(_ url: String) {
        #expect(!LoopbackHost.isLoopback(url: url))
    }

    @Test(arguments: ["http://127.evil.example/oauth2/token", "http://localhost.evil/oauth2/token", "http://localhost@evil/oauth2/token"])
    func clientCredentialsAreNotSentOverPlainHTTPToLookalikes(_ endpoint: String) async {
        let transport = TokenTestTransport(.token(prefix: "never-sent", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(
            configuration: .init(tokenEndpoint: URL(string: endpoint)!, clientId: "gateway", clientSecret: "gateway-secret"),
            transport: transport
        )
        do {
            _ = try await provider.accessToken()
            Issue.record("a token was fetched from \(endpoint)")
        } catch let error as TokenProviderError {
            #expect(error.code == .invalidConfiguration)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(transport.requestCount == 0)
    }
}

/// Key and credential fetches refuse plain http to hosts off the machine: anyone on the path
/// could swap the keys (and mint tokens) or read the temporary secret.
@Suite("Plain http only to loopback for keys and credentials")
struct PlainHTTPFetchTests {
    @Test(arguments: ["http://10.0.0.7/jwks.json", "http://127.evil.example/jwks.json", "http://issuer.example/jwks.json"])
    func jwksOverPlainHTTPIsRefused(_ uri: String) async {
        let transport = FakeJWKSTransport()
        let cache = JWKSCache(jwksURI: URL(string: uri)!, transport: transport)
        do {
            try await cache.hydrate()
            Issue.record("keys were fetched from \(uri)")
        } catch {
            #expect(error.code == .jwksUnavailable)
        }
        #expect(transport.requestCount == 0)
        var allowed = JWKSCache.Configuration(source: .jwksURI(URL(string: uri)!))
        allowed.allowInsecureHTTP = true
        try? await JWKSCache(configuration: allowed, transport: transport).hydrate()
        #expect(transport.requestCount == 1)
    }

    @Test func stsOverPlainHTTPIsRefused() async {
        let transport = TokenTestTransport(.token(prefix: "never-sent", expiresIn: 3600))
        let provider = AssumeRoleCredentialsProvider(
            configuration: .init(roleArn: "arn:aws:iam::123456789012:role/orders", roleSessionName: "s", stsEndpoint: URL(string: "http://sts.example/")!),
            sourceCredentials: StaticCredentialsProvider(accessKeyId: "AKIAORDERSSERVICE001", secretAccessKey: "secret"),
            transport: transport)
        await #expect(throws: AWSCredentialsError.self) { _ = try await provider.credentials() }
        #expect(transport.requestCount == 0)
    }
}
