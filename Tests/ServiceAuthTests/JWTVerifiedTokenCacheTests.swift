import Foundation
import Synchronization
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

@Suite("VerifiedTokenCache")
struct JWTVerifiedTokenCacheTests {
    @Test func repeatVerificationIsServedFromTheCache() async throws {
        let cache = VerifiedTokenCache()
        let verifier = Fixture.verifier(cache: cache)
        let token = Mint.rs256(Fixture.claims())
        let first = try await verifier.verify(token)
        #expect(cache.count == 1)
        let second = try await verifier.verify(token)
        #expect(first == second)
        #expect(cache.count == 1)
        // A different token (one changed claim) is verified in full and cached separately.
        _ = try await verifier.verify(Mint.rs256(Fixture.claims(["sub": "other"])))
        #expect(cache.count == 2)
    }

    @Test func aForgedTokenEndingLikeACachedOneIsVerifiedInFull() async throws {
        // Entries are found by the token's tail (its signature): a token with a cached
        // token's signature and another payload finds that entry, and must not be served it.
        let cache = VerifiedTokenCache()
        let verifier = Fixture.verifier(cache: cache)
        let token = Mint.rs256(Fixture.claims())
        _ = try await verifier.verify(token)
        let parts = token.split(separator: ".")
        let otherPayload = Mint.rs256(Fixture.claims(["sub": "mallory", "username": "mallory"])).split(separator: ".")[1]
        let forged = "\(parts[0]).\(otherPayload).\(parts[2])"
        #expect(forged.utf8.suffix(32).elementsEqual(token.utf8.suffix(32)))
        #expect(await errorCode { try await verifier.verify(forged) } == "bad_signature")
        // Same length, one byte changed inside the signature but not in its last 32 bytes.
        var bytes = Array(token.utf8)
        let inside = bytes.count - 40
        bytes[inside] = bytes[inside] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let altered = String(decoding: bytes, as: UTF8.self)
        #expect(await errorCode { try await verifier.verify(altered) } != nil)
        // The genuine token's entry is still there and still served.
        #expect(try await verifier.verify(token).subject == "user-sub-1")
        #expect(cache.count == 1)
    }

    @Test func entriesExpireAtExp() async throws {
        let clock = TestClock()
        let cache = VerifiedTokenCache()
        // The leeway would accept the token after exp; the cache entry must not outlive exp.
        let verifier = Fixture.verifier({ $0.leeway = .seconds(60) }, clock: clock, cache: cache)
        let token = Mint.rs256(Fixture.claims(["exp": .number(Fixture.clock0.timeIntervalSince1970 + 5)]))
        _ = try await verifier.verify(token)
        clock.advance(6)
        #expect(cache.count == 1)
        // Within the leeway the token is still valid, but only through the full path: the
        // expired entry is dropped, not served, and not re-added.
        _ = try await verifier.verify(token)
        #expect(cache.count == 0)
        clock.advance(100)
        #expect(await errorCode { try await verifier.verify(token) } == "expired")
    }

    @Test func entriesAreDroppedWhenTheirKeyLeavesTheJWKS() async throws {
        let clock = TestClock()
        let transport = FakeJWKSTransport(TestJWK.set([TestJWK.rsa(), TestJWK.p256()]))
        let verifier = Fixture.verifier(transport: transport, clock: clock, cache: VerifiedTokenCache())
        let token = Mint.rs256(Fixture.claims())
        _ = try await verifier.verify(token)
        transport.setKeys(TestJWK.set([TestJWK.p256()]))
        try await verifier.issuers[0].jwks.refresh()
        clock.advance(2)
        #expect(await errorCode { try await verifier.verify(token) } == "unknown_key")
        // A different key under the same kid does not revive the entry either.
        transport.setKeys(TestJWK.set([TestJWK.rsa(TestKeys.rsa2), TestJWK.p256()]))
        try await verifier.issuers[0].jwks.refresh()
        #expect(await errorCode { try await verifier.verify(token) } == "bad_signature")
    }

    @Test func customCheckStillRunsOnHits() async throws {
        let banned = BannedList()
        let verifier = Fixture.verifier({ configuration in
            configuration.customCheck = { token throws(JWTError) in
                if banned.contains(token.subject) { throw JWTError(.wrongAudience, "revoked") }
            }
        }, cache: VerifiedTokenCache())
        let token = Mint.rs256(Fixture.claims())
        _ = try await verifier.verify(token)
        banned.add("user-sub-1")
        #expect(await errorCode { try await verifier.verify(token) } == "wrong_audience")
    }

    @Test func aSharedCacheDoesNotLeakBetweenVerifiersWithDifferentRules() async throws {
        let cache = VerifiedTokenCache()
        let lenient = Fixture.verifier(cache: cache)
        let strict = Fixture.verifier({ $0.audience = .clientIds(["another-client"]) }, cache: cache)
        let token = Mint.rs256(Fixture.claims())
        _ = try await lenient.verify(token)
        #expect(await errorCode { try await strict.verify(token) } == "wrong_audience")
    }

    @Test func failuresAreNotCachedAndTheCacheIsBounded() async throws {
        let cache = VerifiedTokenCache(maxEntries: 8)
        let verifier = Fixture.verifier(cache: cache)
        _ = await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(["iss": "x"]))) }
        #expect(cache.count == 0)
        for index in 0..<40 { _ = try await verifier.verify(Mint.rs256(Fixture.claims(["jti": .string("\(index)")]))) }
        #expect(cache.count <= 8)
        #expect(cache.count > 0)
    }

    @Test func theAuthenticatorCachesByDefault() {
        func cache(_ authenticator: BearerTokenAuthenticator) -> VerifiedTokenCache? { (authenticator.verifier as? JWTVerifier)?.tokenCache }
        #expect(cache(BearerTokenAuthenticator(verifier: Fixture.verifier())) != nil)
        #expect(cache(BearerTokenAuthenticator(verifier: Fixture.verifier(), cachesVerifiedTokens: false)) == nil)
        let own = VerifiedTokenCache(maxEntries: 3)
        #expect(cache(BearerTokenAuthenticator(verifier: Fixture.verifier(cache: own))) === own)
    }

    @Test func concurrentVerificationsShareTheCacheSafely() async throws {
        let cache = VerifiedTokenCache()
        let verifier = Fixture.verifier(cache: cache)
        let tokens = (0..<5).map { Mint.rs256(Fixture.claims(["jti": .string("t\($0)")])) }
        try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<60 {
                group.addTask { try await verifier.verify(tokens[index % tokens.count]).claims["jti"]?.stringValue }
            }
            var seen: [String: Int] = [:]
            for try await jti in group { seen[jti ?? "nil", default: 0] += 1 }
            #expect(seen == ["t0": 12, "t1": 12, "t2": 12, "t3": 12, "t4": 12])
        }
        #expect(cache.count == 5)
    }

    @Test func readinessHydrationAndRefresher() async throws {
        let transport = FakeJWKSTransport()
        let verifier = Fixture.verifier(transport: transport)
        #expect(!verifier.isReady)
        try await verifier.hydrate()
        #expect(verifier.isReady)
        #expect(verifier.keySources.count == 1)
        let refresher = verifier.keyRefresher(interval: .milliseconds(20))
        let task = Task { try await refresher.run() }
        for _ in 0..<250 where transport.requestCount < 3 { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        try await task.value
        #expect(transport.requestCount >= 3)
    }
}

final class BannedList: Sendable {
    private let names = Mutex<Set<String>>([])
    func add(_ name: String) { names.withLock { _ = $0.insert(name) } }
    func contains(_ name: String?) -> Bool { name.map { name in names.withLock { $0.contains(name) } } ?? false }
}
