import Foundation
import ServiceAuth
import Testing

@Suite("TokenCache")
struct TokenCacheTests {
    @Test("different scope sets get separate tokens; the same set in any order shares one")
    func separateTokensPerScopeSet() async throws {
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let cache = TokenCache(transport: transport, logger: .tokenTest)
        let read = ClientCredentialsTokenProvider.Configuration.test(scopes: ["orders/read"])
        let write = ClientCredentialsTokenProvider.Configuration.test(scopes: ["orders/write"])
        let both = ClientCredentialsTokenProvider.Configuration.test(scopes: ["orders/read", "orders/write"])
        let bothReordered = ClientCredentialsTokenProvider.Configuration.test(scopes: ["orders/write", "orders/read"])

        let readToken = try await cache.accessToken(for: read)
        let writeToken = try await cache.accessToken(for: write)
        let bothToken = try await cache.accessToken(for: both)
        #expect(Set([readToken, writeToken, bothToken]).count == 3)
        #expect(try await cache.accessToken(for: read) == readToken)
        #expect(cache.provider(for: both) === cache.provider(for: both))
        #expect(transport.requestCount == 3)
        #expect(transport.requests.map(\.body) == [
            "grant_type=client_credentials&scope=orders%2Fread",
            "grant_type=client_credentials&scope=orders%2Fwrite",
            "grant_type=client_credentials&scope=orders%2Fread+orders%2Fwrite",
        ])
        #expect(try await cache.accessToken(for: bothReordered) == bothToken)
        #expect(cache.provider(for: bothReordered) === cache.provider(for: both))
        #expect(transport.requestCount == 3)
    }

    @Test("different clients and endpoints get separate tokens")
    func separateTokensPerClientAndEndpoint() async throws {
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let cache = TokenCache(transport: transport, logger: .tokenTest)
        var other = ClientCredentialsTokenProvider.Configuration.test()
        other.clientId = "orders-client"
        var otherEndpoint = ClientCredentialsTokenProvider.Configuration.test()
        otherEndpoint.tokenEndpoint = URL(string: "http://127.0.0.1:10/oauth2/token")!
        let tokens = [
            try await cache.accessToken(for: .test()), try await cache.accessToken(for: other),
            try await cache.accessToken(for: otherEndpoint),
        ]
        #expect(Set(tokens).count == 3)
        #expect(transport.requestCount == 3)
    }

    @Test("a changed secret for the same key gets a new provider, never the old token")
    func rotatedSecretGetsNewProvider() async throws {
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let cache = TokenCache(transport: transport, logger: .tokenTest)
        var rotated = ClientCredentialsTokenProvider.Configuration.test()
        rotated.clientSecret = "another-secret"
        let first = try await cache.accessToken(for: .test())
        let second = try await cache.accessToken(for: rotated)
        #expect(first != second)
        #expect(cache.provider(for: rotated) === cache.provider(for: rotated))
    }
}
