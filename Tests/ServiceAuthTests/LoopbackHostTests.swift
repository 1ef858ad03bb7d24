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
            configuration: .init(tokenEndpoint: endpoint, clientId: "gateway", clientSecret: "gateway-secret"),
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
