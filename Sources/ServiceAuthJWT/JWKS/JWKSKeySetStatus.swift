import Crypto
import Foundation
import Synchronization
import ServiceAuthCore

/// What cached verifications check with one atomic load each: whether the published key set
/// changed since they were made, and until when the published keys may be used.
///
/// Updated by ``JWKSCache`` in the same critical section that publishes a new key set, so a
/// reader never sees a new generation with an old table.
final class JWKSKeySetStatus: Sendable {
    /// Bumped whenever a fetch changes the published keys.
    private let generation = Atomic<Int>(0)
    /// Milliseconds since 1970 until which the keys may be used (fresh, or stale within
    /// ``JWKSCache/Configuration/maximumStaleness``).
    private let usableUntilMilliseconds = Atomic<Int>(0)

    /// Changes whenever a fetch changes the set of published keys.
    var keySetGeneration: Int { generation.load(ordering: .acquiring) }

    /// Whether the keys may still be used at `date`.
    func keysUsable(at date: Date) -> Bool {
        Self.milliseconds(date) < usableUntilMilliseconds.load(ordering: .acquiring)
    }

    /// Records that `published` replaces `previous`.
    func publish(previous: JWKSetParser.Result?, published: RefreshingValue<JWKSetParser.Result>.Entry) {
        if Self.fingerprints(previous ?? JWKSetParser.Result()) != Self.fingerprints(published.value) {
            generation.add(1, ordering: .releasing)
        }
        usableUntilMilliseconds.store(Self.milliseconds(published.expiresAt), ordering: .releasing)
    }

    private static func milliseconds(_ date: Date) -> Int {
        let value = date.timeIntervalSince1970 * 1000
        return value.isFinite ? Int(max(min(value, 1e15), -1e15)) : 0
    }

    private static func fingerprints(_ keys: JWKSetParser.Result) -> [String: SHA256.Digest] {
        var result = keys.keysByID.mapValues(\.fingerprint)
        for (index, key) in keys.unnamedKeys.enumerated() { result["#\(index)"] = key.fingerprint }
        return result
    }
}
