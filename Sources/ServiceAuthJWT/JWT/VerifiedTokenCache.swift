import Foundation
import Crypto
import Synchronization
import ServiceAuthCore

/// A bounded cache of verified tokens, so a token seen again skips parsing and the signature.
///
/// Entries are found by the token's length and last 32 (signature) bytes and count as a hit
/// only when the presented token equals the cached one byte for byte, compared in constant
/// time (see ``TokenCacheKey``). They expire no later than the token's `exp`, and are used
/// only while the key that verified them is still published in the issuer's JWKS (checked on
/// every hit by ``JWTVerifier``). A verifier's custom check still runs on each hit. Failures
/// are never cached. When full, the least recently used token is evicted in constant time.
public final class VerifiedTokenCache: Sendable {
    /// A cached verification; a class, so a hit costs one retain rather than a copy of the token.
    final class Entry: Sendable {
        let token: VerifiedToken
        let keyFingerprint: SHA256.Digest
        /// The JWKS key-set generation when the token was verified: while unchanged, the key
        /// is certainly still published.
        let keyGeneration: Int
        let owner: ObjectIdentifier
        /// The position of the token's issuer in the owning verifier (saves a lookup per hit).
        let issuerPosition: Int
        let validUntil: Date

        /// Whether `token` is the very token this entry verified.
        func matches(_ token: String) -> Bool { constantTimeEquals(self.token.token, token) }

        init(token: VerifiedToken, keyFingerprint: SHA256.Digest, keyGeneration: Int, owner: ObjectIdentifier, issuerPosition: Int, validUntil: Date) {
            self.token = token
            self.keyFingerprint = keyFingerprint
            self.keyGeneration = keyGeneration
            self.owner = owner
            self.issuerPosition = issuerPosition
            self.validUntil = validUntil
        }
    }

    /// The most tokens kept.
    public let maxEntries: Int
    /// The longest an entry is kept, even when the token lives longer.
    public let maxEntryLifetime: Duration
    private let entries: Mutex<BoundedCache<TokenCacheKey, Entry>>

    /// Creates a cache.
    ///
    /// - Parameters:
    ///   - maxEntries: The most tokens kept. Default 10 000.
    ///   - maxEntryLifetime: The longest an entry is kept. Default 10 minutes.
    public init(maxEntries: Int = 10_000, maxEntryLifetime: Duration = .seconds(600)) {
        self.maxEntries = max(1, maxEntries)
        self.maxEntryLifetime = maxEntryLifetime
        self.entries = Mutex(BoundedCache(capacity: maxEntries))
    }

    /// The number of cached tokens.
    public var count: Int { entries.withLock { $0.count } }

    /// Forgets every cached token.
    public func removeAll() { entries.withLock { $0.removeAll() } }

    /// The entry of `token` for the verifier `owner`, if cached and unexpired.
    func lookup(_ token: String, key: TokenCacheKey, owner: ObjectIdentifier, at date: Date) -> Entry? {
        let found = entries.withLock { entries in entries.value(forKey: key, now: date) }
        // Compared outside the lock; another token with the same tail is a miss (and is not
        // removed: the entry still belongs to the token that was verified).
        guard let found, found.owner == owner, found.matches(token) else { return nil }
        return found
    }

    func remove(_ key: TokenCacheKey) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    func insert(
        _ key: TokenCacheKey, token: VerifiedToken, keyFingerprint: SHA256.Digest, keyGeneration: Int,
        owner: ObjectIdentifier, issuerPosition: Int, at date: Date
    ) {
        let validUntil = min(token.expiresAt, date.addingTimeInterval(maxEntryLifetime.timeInterval))
        guard date < validUntil else { return }
        let entry = Entry(
            token: token, keyFingerprint: keyFingerprint, keyGeneration: keyGeneration, owner: owner,
            issuerPosition: issuerPosition, validUntil: validUntil
        )
        entries.withLock { entries in
            // Constant work per insert, however many distinct tokens arrive: expired entries
            // at the old end go first, else the least recently used one.
            entries.purgeExpired(now: date)
            entries.insert(entry, forKey: key, expiresAt: validUntil)
        }
    }
}
