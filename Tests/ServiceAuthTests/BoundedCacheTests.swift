import Foundation
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// The bounded cache under every cache of hostile keys: constant work per operation, however
/// many distinct keys arrive.
@Suite("Bounded caches evict in constant time")
struct BoundedCacheTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func evictsTheLeastRecentlyUsedEntry() {
        var cache = BoundedCache<String, Int>(capacity: 3)
        for (index, key) in ["a", "b", "c"].enumerated() { cache.insert(index, forKey: key, expiresAt: now + 60) }
        #expect(cache.value(forKey: "a", now: now) == 0)  // "a" is now the most recent
        cache.insert(3, forKey: "d", expiresAt: now + 60)
        #expect(cache.value(forKey: "b", now: now) == nil)
        #expect(cache.value(forKey: "a", now: now) == 0)
        #expect(cache.value(forKey: "c", now: now) == 2)
        #expect(cache.value(forKey: "d", now: now) == 3)
        #expect(cache.count == 3)
        #expect(cache.evictions == 1)
    }

    @Test func expiredEntriesAreNotReturnedAndArePurgedFromTheOldEnd() {
        var cache = BoundedCache<Int, Int>(capacity: 10)
        for key in 0..<5 { cache.insert(key, forKey: key, expiresAt: now + 10) }
        cache.insert(9, forKey: 9, expiresAt: now + 100)
        #expect(cache.value(forKey: 0, now: now + 20) == nil)
        cache.purgeExpired(now: now + 20, limit: 10)
        #expect(cache.count == 1)
        #expect(cache.value(forKey: 9, now: now + 20) == 9)
    }

    @Test func removalAndReinsertionReuseSlots() {
        var cache = BoundedCache<Int, Int>(capacity: 4)
        for round in 0..<1000 {
            cache.insert(round, forKey: round % 7, expiresAt: now + 60)
            if round % 3 == 0 { cache.removeValue(forKey: (round + 1) % 7) }
            #expect(cache.count <= 4)
        }
    }

    @Test func verifiedTokenCacheStaysBounded() async throws {
        let clock = TestClock()
        let tokenCache = VerifiedTokenCache(maxEntries: 100)
        let verifier = Fixture.verifier(clock: clock, cache: tokenCache)
        for index in 0..<300 { _ = try await verifier.verify(Mint.rs256(Fixture.claims(["jti": .string("t\(index)")]))) }
        #expect(tokenCache.count == 100)
    }

    @Test func replayCacheStaysBoundedAndStillRefusesRecentReplays() {
        let cache = SigV4ReplayCache(capacity: 100)
        for index in 0..<1000 { #expect(cache.insert("sig-\(index)", until: now + 900, now: now)) }
        #expect(cache.count == 100)
        #expect(!cache.insert("sig-999", until: now + 900, now: now))
        #expect(cache.insert("sig-999", until: now + 1900, now: now + 901))
    }
}
