import Foundation
import Synchronization
import ServiceAuthCore

/// The negative cache of ``JWKSCache``: `kid`s that were still unknown after a refetch, each
/// answered `unknown_key` without another fetch until its cool-down ends. Bounded, so that a
/// flood of random `kid`s cannot grow it.
final class JWKSUnknownKeys: Sendable {
    private let cooldown: Duration
    private let table: Mutex<BoundedCache<String, Void>>

    /// Creates an empty negative cache.
    ///
    /// - Parameters:
    ///   - cooldown: How long a `kid` stays known-unknown.
    ///   - capacity: The most `kid`s remembered; beyond this the oldest are forgotten.
    init(cooldown: Duration, capacity: Int) {
        self.cooldown = cooldown
        table = Mutex(BoundedCache(capacity: capacity))
    }

    /// Whether `keyID` is in its cool-down at `date`.
    func contains(_ keyID: String, at date: Date) -> Bool {
        table.withLock { $0.value(forKey: keyID, now: date, touch: false) != nil }
    }

    /// Remembers `keyID` as unknown from `date` on.
    func remember(_ keyID: String, at date: Date) {
        let until = date.addingTimeInterval(cooldown.timeInterval)
        table.withLock { table in
            table.purgeExpired(now: date)
            table.insert((), forKey: keyID, expiresAt: until)
        }
    }

    /// Forgets `keyIDs`: the issuer publishes them now.
    func forget(_ keyIDs: some Sequence<String>) {
        table.withLock { table in
            for keyID in keyIDs { table.removeValue(forKey: keyID) }
        }
    }
}
