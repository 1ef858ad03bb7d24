public import Foundation
import Synchronization
import ServiceAuthCore

/// A bounded memory of recently accepted signatures, so a captured request cannot be sent
/// again while its date is still inside the verifier's window.
///
/// Entries live until their request could no longer pass the time checks anyway (the skew
/// window, or a presigned URL's expiry), so the cache only needs to cover that window. Memory
/// is bounded by ``capacity``; when it is full the oldest signature is evicted in constant
/// time: the cache degrades to weaker replay protection for the oldest requests rather than
/// refusing every caller or growing without limit. Size it for the requests a service
/// accepts within its skew window (the default covers 100 000).
public final class SigV4ReplayCache: Sendable {
    /// The largest number of signatures remembered.
    public let capacity: Int
    private let seen: Mutex<BoundedCache<String, Void>>

    /// Creates a cache.
    ///
    /// - Parameter capacity: The largest number of signatures remembered (default 100 000).
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
        self.seen = Mutex(BoundedCache(capacity: capacity))
    }

    /// Records a signature unless it was already seen.
    ///
    /// - Parameters:
    ///   - signature: The request's signature.
    ///   - until: When the signed request stops being acceptable anyway.
    ///   - now: The current time.
    /// - Returns: `true` the first time a signature is seen (within its lifetime), `false` for a replay.
    public func insert(_ signature: String, until: Date, now: Date) -> Bool {
        seen.withLock { seen in
            if seen.contains(signature, now: now) { return false }
            seen.purgeExpired(now: now)
            seen.insert((), forKey: signature, expiresAt: until)
            return true
        }
    }

    /// The number of signatures currently remembered.
    public var count: Int { seen.withLock { $0.count } }
}
