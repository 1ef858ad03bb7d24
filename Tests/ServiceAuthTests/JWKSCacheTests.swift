import Foundation
import HTTPTypes
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

@Suite("JWKSCache")
struct JWKSCacheTests {
    func cache(_ transport: FakeJWKSTransport, clock: TestClock, _ configure: (inout JWKSCache.Configuration) -> Void = { _ in }) -> JWKSCache {
        var configuration = JWKSCache.Configuration(source: .jwksURI(URL(string: "https://issuer.example.com/jwks.json")!))
        configure(&configuration)
        return JWKSCache(configuration: configuration, transport: transport, now: clock.closure)
    }

    func keyError(_ cache: JWKSCache, _ kid: String) async -> String? {
        do {
            _ = try await cache.key(for: kid)
            return nil
        } catch {
            return error.code.rawValue
        }
    }

    @Test func lenientParsingKeepsTheGoodKeys() async throws {
        var tooSmall = TestJWK.rsa(kid: "small").objectValue!
        tooSmall["n"] = .string(Base64URL.encode([UInt8](repeating: 0xC5, count: 128)))  // 1024-bit
        let keys: [JSONValue] = [
            TestJWK.rsa(),
            ["kty": "oct", "kid": "hmac", "k": "c2VjcmV0"],  // symmetric: never a verification key here
            ["kty": "EC", "crv": "P-256", "kid": "bad-point", "x": .string(Base64URL.encode([UInt8](repeating: 1, count: 32))),
             "y": .string(Base64URL.encode([UInt8](repeating: 2, count: 32)))],
            ["kty": "EC", "crv": "secp256k1", "kid": "k1", "x": "AA", "y": "AA"],
            .object(tooSmall),
            ["kty": "RSA", "kid": "enc", "use": "enc", "n": TestJWK.rsa().objectValue!["n"]!, "e": "AQAB"],
            ["kty": "RSA", "kid": "ops", "key_ops": ["encrypt"], "n": TestJWK.rsa().objectValue!["n"]!, "e": "AQAB"],
            ["kty": "RSA", "kid": "alg-mismatch", "alg": "ES256", "n": TestJWK.rsa().objectValue!["n"]!, "e": "AQAB"],
            ["kty": "RSA", "kid": "garbage", "n": "!!!", "e": "AQAB"],
            // 8800 bits: over the 8192-bit cap that keeps a hostile JWKS from slowing every check.
            ["kty": "RSA", "kid": "huge", "n": .string(Base64URL.encode([0xC3] + [UInt8](repeating: 0x5A, count: 1098) + [0x01])), "e": "AQAB"],
            "not an object",
            TestJWK.p256(),
            TestJWK.ed25519(),
        ]
        let cache = cache(FakeJWKSTransport(TestJWK.set(keys)), clock: TestClock())
        try await cache.hydrate()
        #expect(cache.keyIDs == ["ec-1", "ed-1", "rsa-1"])
    }

    @Test func duplicateKidsAreAmbiguousAndDropped() async throws {
        let transport = FakeJWKSTransport(TestJWK.set([TestJWK.rsa(kid: "dup"), TestJWK.p256(kid: "dup"), TestJWK.p256()]))
        let cache = cache(transport, clock: TestClock())
        try await cache.hydrate()
        #expect(cache.keyIDs == ["ec-1"])
    }

    @Test func unknownKidIsNegativelyCachedForTheCooldown() async throws {
        let transport = FakeJWKSTransport()
        let clock = TestClock()
        let cache = cache(transport, clock: clock)
        try await cache.hydrate()
        #expect(transport.requestCount == 1)
        clock.advance(2)  // past the global refetch interval
        for _ in 0..<50 { #expect(await keyError(cache, "junk") == "unknown_key") }
        #expect(transport.requestCount == 2)  // one refetch for the unknown kid, then the cool-down
        clock.advance(5)
        #expect(await keyError(cache, "junk") == "unknown_key")
        #expect(transport.requestCount == 2)
        clock.advance(6)  // cool-down (10 s) over
        #expect(await keyError(cache, "junk") == "unknown_key")
        #expect(transport.requestCount == 3)
    }

    @Test func randomKidFloodIsGloballyRateLimitedYetARotatedKeyIsPickedUp() async throws {
        let transport = FakeJWKSTransport(TestJWK.set([TestJWK.rsa()]))
        let clock = TestClock()
        let cache = cache(transport, clock: clock)
        try await cache.hydrate()
        clock.advance(2)
        for index in 0..<200 { #expect(await keyError(cache, "junk-\(index)") == "unknown_key") }
        #expect(transport.requestCount == 2)  // at most one fetch per refetch interval
        // The issuer rotates: a new kid appears. Once the (short) interval has passed, the
        // flood does not stand in its way, although junk kids are still in their cool-down.
        transport.setKeys(TestJWK.set([TestJWK.rsa(), TestJWK.p256(kid: "rotated")]))
        clock.advance(1)
        _ = try await cache.key(for: "rotated")
        #expect(transport.requestCount == 3)
        #expect(await keyError(cache, "junk-1") == "unknown_key")
        #expect(transport.requestCount == 3)
    }

    @Test func removedKeysAreEvictedAtTheNextFetch() async throws {
        let transport = FakeJWKSTransport(TestJWK.set([TestJWK.rsa(), TestJWK.p256()]))
        let clock = TestClock()
        let cache = cache(transport, clock: clock)
        try await cache.hydrate()
        transport.setKeys(TestJWK.set([TestJWK.p256()]))
        try await cache.refresh()
        #expect(cache.keyIDs == ["ec-1"])
        clock.advance(2)
        #expect(await keyError(cache, "rsa-1") == "unknown_key")
    }

    @Test func cacheControlMaxAgeIsHonoured() async throws {
        let transport = FakeJWKSTransport()
        transport.setKeys(TestJWK.standard, cacheControl: "public, max-age=60")
        let clock = TestClock()
        let cache = cache(transport, clock: clock)
        _ = try await cache.key(for: "rsa-1")
        clock.advance(59)
        _ = try await cache.key(for: "rsa-1")
        #expect(transport.requestCount == 1)
        clock.advance(2)
        _ = try await cache.key(for: "rsa-1")  // stale: served at once, refreshed in the background
        await cache.awaitPendingFetch()
        #expect(transport.requestCount == 2)
    }

    @Test func defaultMaxAgeWithoutCacheControl() async throws {
        let transport = FakeJWKSTransport()
        let clock = TestClock()
        let cache = cache(transport, clock: clock) { $0.defaultMaxAge = .seconds(300) }
        _ = try await cache.key(for: "rsa-1")
        clock.advance(299)
        _ = try await cache.key(for: "rsa-1")
        #expect(transport.requestCount == 1)
        clock.advance(2)
        _ = try await cache.key(for: "rsa-1")
        await cache.awaitPendingFetch()
        #expect(transport.requestCount == 2)
    }

    @Test(arguments: [
        (["max-age=60"], 60.0), (["no-cache"], 0), (["public", "max-age=\"30\""], 30), (["private"], nil),
        (["max-age=abc"], nil), (["max-age=99999999999999"], nil), ([], nil),
    ] as [([String], Double?)])
    func cacheControlParsing(_ values: [String], _ expected: Double?) {
        #expect(JWKSCache.maxAge(values) == expected)
    }

    @Test(arguments: ["outage", "garbage", "status"])
    func failuresKeepServingCachedKeys(_ failure: String) async throws {
        let transport = FakeJWKSTransport()
        transport.setKeys(TestJWK.standard, cacheControl: "max-age=10")
        let clock = TestClock()
        let cache = cache(transport, clock: clock)
        try await cache.hydrate()
        switch failure {
        case "outage": transport.set(.init(body: [], fail: true))
        case "garbage": transport.setKeys(Array("<html>oops</html>".utf8))
        default: transport.set(.init(status: .internalServerError, body: TestJWK.set([])))
        }
        clock.advance(60)
        _ = try await cache.key(for: "rsa-1")  // stale: cached key used, the refetch fails
        await cache.awaitPendingFetch()
        #expect(transport.requestCount == 2)
        await #expect(throws: JWTError.self) { try await cache.refresh() }
        #expect(cache.keyIDs.contains("rsa-1"))
        clock.advance(60)
        _ = try await cache.key(for: "rsa-1")
    }

    @Test func staleKeysNeverWaitForASlowIssuer() async throws {
        let transport = FakeJWKSTransport()
        transport.setKeys(TestJWK.standard, cacheControl: "max-age=10")
        let clock = TestClock()
        // The issuer takes 10 minutes to answer; the bound below is far below that, so only
        // waiting on the issuer (not a loaded machine) can make the test fail.
        let cache = cache(transport, clock: clock) { $0.fetchTimeout = .seconds(900) }
        try await cache.hydrate()
        transport.set(.init(body: TestJWK.standard, delay: .seconds(600)))
        clock.advance(60)
        let start = ContinuousClock.now
        for _ in 0..<10 { _ = try await cache.key(for: "rsa-1") }
        #expect(ContinuousClock.now - start < .seconds(120))
        // One background refresh (still waiting on the issuer), not one per request.
        let waitUntil = ContinuousClock.now + .seconds(60)
        while transport.requestCount < 2, ContinuousClock.now < waitUntil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(transport.requestCount == 2)
    }

    @Test func unavailableBeforeFirstLoad() async {
        let transport = FakeJWKSTransport()
        transport.set(.init(body: [], fail: true))
        let cache = cache(transport, clock: TestClock())
        #expect(!cache.isReady)
        #expect(await keyError(cache, "rsa-1") == "jwks_unavailable")  // the first fetch fails
        #expect(await keyError(cache, "rsa-1") == "jwks_unavailable")  // rate-limited, no second fetch
        #expect(transport.requestCount == 1)
        await #expect(throws: JWTError.self) { try await cache.hydrate() }
        #expect(!cache.isReady)
    }

    @Test func concurrentMissesShareOneFetch() async throws {
        let transport = FakeJWKSTransport()
        transport.set(.init(body: TestJWK.standard, delay: .milliseconds(200)))
        let cache = cache(transport, clock: TestClock())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await cache.key(for: "rsa-1") } }
            try await group.waitForAll()
        }
        #expect(transport.requestCount == 1)
    }

    @Test func responseSizeIsBounded() async {
        let transport = FakeJWKSTransport(TestJWK.standard)
        let cache = cache(transport, clock: TestClock()) { $0.maxResponseBytes = 100 }
        await #expect(throws: JWTError.self) { try await cache.hydrate() }
        #expect(!cache.isReady)
    }

    @Test func keyCountIsBounded() async throws {
        let keys = (0..<10).map { TestJWK.p256(kid: "k\($0)") }
        let cache = cache(FakeJWKSTransport(TestJWK.set(keys)), clock: TestClock()) { $0.maxKeys = 3 }
        try await cache.hydrate()
        #expect(cache.keyIDs == ["k0", "k1", "k2"])
    }

    @Test func fetchTimesOut() async {
        let transport = FakeJWKSTransport()
        // The issuer would answer after 10 minutes; the fetch gives up after 200 ms. The bound
        // below is far from both, so a loaded machine cannot make the test fail.
        transport.set(.init(body: TestJWK.standard, delay: .seconds(600)))
        let cache = cache(transport, clock: TestClock()) { $0.fetchTimeout = .milliseconds(200) }
        let start = ContinuousClock.now
        #expect(await keyError(cache, "rsa-1") == "jwks_unavailable")
        #expect(ContinuousClock.now - start < .seconds(120))
    }

    @Test func openIDDiscovery() async throws {
        final class DiscoveryTransport: HTTPTransport {
            func send(_ request: HTTPRequest, body: [UInt8]?, timeout: Duration, maxResponseBytes: Int) async throws -> (HTTPResponse, [UInt8]) {
                switch request.path {
                case "/tenant/.well-known/openid-configuration":
                    let document: JSONValue = ["issuer": "https://idp.example/tenant", "jwks_uri": "https://keys.example/k.json"]
                    return (HTTPResponse(status: .ok), Array(document.jsonString.utf8))
                case "/k.json": return (HTTPResponse(status: .ok), TestJWK.standard)
                default: return (HTTPResponse(status: .notFound), [])
                }
            }
        }
        let cache = JWKSCache(configuration: .init(source: .discovery(issuer: "https://idp.example/tenant")), transport: DiscoveryTransport())
        try await cache.hydrate()
        #expect(cache.keyIDs.contains("rsa-1"))
        // A discovery document for another issuer is refused.
        let wrong = JWKSCache(configuration: .init(source: .discovery(issuer: "https://idp.example/other")), transport: DiscoveryTransport())
        await #expect(throws: JWTError.self) { try await wrong.hydrate() }
    }

    @Test func refresherRefreshesUntilCancelled() async throws {
        let transport = FakeJWKSTransport()
        let cache = cache(transport, clock: TestClock())
        let refresher = cache.refresher(interval: .milliseconds(50))
        let task = Task { try await refresher.run() }
        while transport.requestCount < 3 { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        try await task.value
        #expect(cache.isReady)
    }
}
