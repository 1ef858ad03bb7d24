public import Foundation
import Crypto
import Synchronization

/// A bounded cache of ``AuthorizerResult``s keyed by a hash of the token, as API Gateway caches
/// authorizer results for a TTL.
///
/// An entry lives for the TTL but never past the result's ``AuthorizerResult/expiresAt``
/// (the token's `exp`), so a cached answer can never outlive the credential. Tokens are stored
/// only as SHA-256 digests. When full, the least recently used entry is evicted in constant
/// time, so a flood of distinct tokens costs the same per token as the first one.
public final class AuthorizerResultCache: Sendable {
    private let ttl: Duration
    private let capacity: Int
    private let now: @Sendable () -> Date
    private let entries: Mutex<BoundedCache<SHA256Digest, AuthorizerResult>>

    /// Creates a cache.
    ///
    /// - Parameters:
    ///   - ttl: How long a result is reused (default 300 s, API Gateway's default).
    ///   - capacity: The most entries kept (default 10,000).
    ///   - now: The clock.
    public init(ttl: Duration = .seconds(300), capacity: Int = 10_000, now: @escaping @Sendable () -> Date = Date.init) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
        self.now = now
        self.entries = Mutex(BoundedCache(capacity: capacity))
    }

    /// The cached result for `token`, if one is still fresh.
    public func result(for token: String) -> AuthorizerResult? {
        let key = SHA256.hash(data: Data(token.utf8))
        let now = self.now()
        return entries.withLock { $0.value(forKey: key, now: now) }
    }

    /// Stores `result` for `token`.
    public func store(_ result: AuthorizerResult, for token: String) {
        let now = self.now()
        var expiry = now.addingTimeInterval(Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18)
        if let tokenExpiry = result.expiresAt { expiry = min(expiry, tokenExpiry) }
        guard expiry > now else { return }
        let key = SHA256.hash(data: Data(token.utf8))
        entries.withLock { entries in
            entries.purgeExpired(now: now)
            entries.insert(result, forKey: key, expiresAt: expiry)
        }
    }

    /// The number of entries (fresh or not yet purged).
    public var count: Int { entries.withLock { $0.count } }

    /// How many live entries were evicted because the cache was full.
    public var evictions: Int { entries.withLock { $0.evictions } }
}
