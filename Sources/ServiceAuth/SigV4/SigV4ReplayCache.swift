public import Foundation
import Synchronization

/// A bounded memory of recently accepted signatures, so a captured request cannot be sent
/// again while its date is still inside the verifier's window.
///
/// Entries live until their request could no longer pass the time checks anyway (the skew
/// window, or a presigned URL's expiry), so the cache only needs to cover that window. When
/// it is full the oldest entry is evicted: the cache degrades to weaker replay protection
/// rather than refusing every caller.
public final class SigV4ReplayCache: Sendable {
    private struct State {
        var seen: [String: Date] = [:]
        var order: [(signature: String, until: Date)] = []
        var head = 0
    }

    /// The largest number of signatures remembered.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates a cache.
    ///
    /// - Parameter capacity: The largest number of signatures remembered (default 100 000).
    public init(capacity: Int = 100_000) { self.capacity = max(1, capacity) }

    /// Records a signature unless it was already seen.
    ///
    /// - Parameters:
    ///   - signature: The request's signature.
    ///   - until: When the signed request stops being acceptable anyway.
    ///   - now: The current time.
    /// - Returns: `true` the first time a signature is seen (within its lifetime), `false` for a replay.
    public func insert(_ signature: String, until: Date, now: Date) -> Bool {
        state.withLock { state in
            // Drop expired entries from the front of the FIFO.
            while state.head < state.order.count, state.order[state.head].until <= now {
                let entry = state.order[state.head]
                if state.seen[entry.signature] == entry.until { state.seen[entry.signature] = nil }
                state.head += 1
            }
            if let previous = state.seen[signature], previous > now { return false }
            while state.seen.count >= capacity, state.head < state.order.count {
                state.seen[state.order[state.head].signature] = nil
                state.head += 1
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            state.seen[signature] = until
            state.order.append((signature, until))
            return true
        }
    }

    /// The number of signatures currently remembered.
    public var count: Int { state.withLock { $0.seen.count } }
}
