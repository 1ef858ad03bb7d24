import Foundation
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// Stale keys keep a service running through an issuer outage, but only for a bounded time:
/// past ``JWKSCache/Configuration/maximumStaleness`` keys the issuer may have revoked are no
/// longer trusted, and verification fails with `jwks_unavailable`.
@Suite("JWKS maximum staleness")
struct JWKSStalenessTests {
    func setUp(maximumStaleness: Duration = .seconds(3600)) async throws -> (FakeJWKSTransport, TestClock, JWKSCache) {
        let transport = FakeJWKSTransport()
        transport.setKeys(TestJWK.standard, cacheControl: "max-age=60")
        let clock = TestClock()
        var configuration = JWKSCache.Configuration(source: .jwksURI(URL(string: "https://issuer.example.com/jwks.json")!))
        configuration.maximumStaleness = maximumStaleness
        let cache = JWKSCache(configuration: configuration, transport: transport, now: clock.closure)
        try await cache.hydrate()
        transport.set(.init(body: [], fail: true))
        return (transport, clock, cache)
    }

    @Test func theDefaultIsADay() {
        #expect(JWKSCache.Configuration(source: .jwksURI(URL(string: "https://x.example/jwks")!)).maximumStaleness == .seconds(86_400))
    }

    @Test func staleKeysServeDuringAnOutageUpToTheLimit() async throws {
        let (_, clock, cache) = try await setUp()
        clock.advance(60 + 3500)  // stale for 3500 s of the 3600 allowed
        _ = try await cache.key(for: "rsa-1")
        await cache.awaitPendingFetch()
        clock.advance(200)  // now stale for 3700 s
        await #expect(throws: JWTError.self) { _ = try await cache.key(for: "rsa-1") }
        do {
            _ = try await cache.key(for: "rsa-1")
        } catch {
            #expect(error.code == .jwksUnavailable)
        }
    }

    @Test func theIssuerComingBackMakesKeysUsableAgain() async throws {
        let (transport, clock, cache) = try await setUp()
        clock.advance(60 + 7200)
        await #expect(throws: JWTError.self) { _ = try await cache.key(for: "rsa-1") }
        transport.setKeys(TestJWK.standard, cacheControl: "max-age=60")
        clock.advance(2)  // past the refetch rate limit
        _ = try await cache.key(for: "rsa-1")
    }

    @Test func cachedVerificationsStopWithTheKeys() async throws {
        let transport = FakeJWKSTransport()
        transport.setKeys(TestJWK.standard, cacheControl: "max-age=60")
        let clock = TestClock()
        var configuration = JWKSCache.Configuration(source: .jwksURI(URL(string: "https://issuer.example.com/jwks.json")!))
        configuration.maximumStaleness = .seconds(600)
        let jwks = JWKSCache(configuration: configuration, transport: transport, now: clock.closure)
        let verifier = JWTVerifier(
            configuration: .init(issuers: [Fixture.issuer], audience: .clientIds(["client-a"])),
            jwks: jwks, tokenCache: VerifiedTokenCache(maxEntryLifetime: .seconds(7200)), now: clock.closure)
        let token = Mint.rs256(Fixture.claims(["exp": .number(clock.now.timeIntervalSince1970 + 7200)]))
        _ = try await verifier.verify(token)
        transport.set(.init(body: [], fail: true))
        clock.advance(60 + 300)
        _ = try await verifier.verify(token)  // a cache hit while the keys are usable
        clock.advance(400)
        #expect(await errorCode { try await verifier.verify(token) } == "jwks_unavailable")
    }
}
