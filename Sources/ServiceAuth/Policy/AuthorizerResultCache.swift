public import Foundation
import Crypto
import Synchronization

/// A bounded cache of ``AuthorizerResult``s keyed by a hash of the token, as API Gateway caches
/// authorizer results for a TTL.
///
/// An entry lives for the TTL but never past the result's ``AuthorizerResult/expiresAt``
/// (the token's `exp`), so a cached answer can never outlive the credential. Tokens are stored
/// only as SHA-256 digests.
public final class AuthorizerResultCache: Sendable {
    private struct Entry {
        var result: AuthorizerResult
        var expiresAt: Date
    }

    private let ttl: Duration
    private let capacity: Int
    private let now: @Sendable () -> Date
    private let entries = Mutex<[SHA256Digest: Entry]>([:])

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
    }

    /// The cached result for `token`, if one is still fresh.
    public func result(for token: String) -> AuthorizerResult? {
        let key = SHA256.hash(data: Data(token.utf8))
        let now = self.now()
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.expiresAt > now else {
                entries[key] = nil
                return nil
            }
            return entry.result
        }
    }

    /// Stores `result` for `token`.
    public func store(_ result: AuthorizerResult, for token: String) {
        let now = self.now()
        var expiry = now.addingTimeInterval(Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18)
        if let tokenExpiry = result.expiresAt { expiry = min(expiry, tokenExpiry) }
        guard expiry > now else { return }
        let key = SHA256.hash(data: Data(token.utf8))
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expiresAt > now }
                // Still full of live entries: drop an arbitrary one rather than grow.
                if entries.count >= capacity, let victim = entries.keys.first { entries[victim] = nil }
            }
            entries[key] = Entry(result: result, expiresAt: expiry)
        }
    }

    /// The number of entries (fresh or not yet purged).
    public var count: Int { entries.withLock { $0.count } }
}
