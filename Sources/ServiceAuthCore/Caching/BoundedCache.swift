package import Foundation

/// A size-bounded map whose entries expire, with O(1) lookup, insert, removal and eviction.
///
/// The building block of every cache in this package that holds attacker-influenced keys
/// (verified tokens, authorizer results, replayed signatures, unknown `kid`s): however many
/// distinct keys arrive, memory stays at ``capacity`` entries and no operation scans the table.
/// When the cache is full, inserting evicts the least recently used entry — expired or not —
/// so a flood of new keys costs constant work per key instead of a full scan per insert.
///
/// Entries live in a slab (`nodes`) threaded on a doubly linked recency list by index, so
/// neither lookup nor eviction allocates once the slab has grown to ``capacity``.
///
/// It is a value type with no locking: the caches that use it wrap it in a `Mutex`.
package struct BoundedCache<Key: Hashable, Value> {
    fileprivate struct Node {
        var key: Key
        var value: Value
        var expiresAt: Date
        /// Towards the most recently used end (`-1`: none).
        var newer: Int
        /// Towards the least recently used end (`-1`: none).
        var older: Int
    }

    /// The most entries kept.
    package let capacity: Int
    private var slots: [Key: Int] = [:]
    private var nodes: [Node?] = []
    private var freeSlots: [Int] = []
    /// The most recently used entry.
    private var newest = -1
    /// The least recently used entry: the next to be evicted.
    private var oldest = -1
    /// How many entries were evicted because the cache was full (diagnostics and tests).
    private(set) var evictions = 0

    /// Creates an empty cache.
    ///
    /// - Parameter capacity: The most entries kept (at least 1).
    package init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    /// The number of entries held, expired ones not yet purged included.
    package var count: Int { slots.count }

    /// The value for `key` if present and not expired at `now`; marks it most recently used.
    /// An expired entry is removed.
    ///
    /// - Parameters:
    ///   - key: The key.
    ///   - now: The current time.
    ///   - touch: Whether a hit counts as a use (default `true`).
    /// - Returns: The value, or `nil`.
    package mutating func value(forKey key: Key, now: Date, touch: Bool = true) -> Value? {
        guard let slot = slots[key], let node = nodes[slot] else { return nil }
        guard now < node.expiresAt else {
            remove(slot: slot)
            return nil
        }
        if touch { moveToNewest(slot) }
        return node.value
    }

    /// Whether an unexpired entry exists for `key` (does not count as a use).
    package func contains(_ key: Key, now: Date) -> Bool {
        guard let slot = slots[key], let node = nodes[slot] else { return false }
        return now < node.expiresAt
    }

    /// Stores `value` for `key` until `expiresAt`, replacing any previous entry. When the cache
    /// is full, the least recently used entry is evicted first.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - key: The key.
    ///   - expiresAt: When the entry stops being returned.
    package mutating func insert(_ value: Value, forKey key: Key, expiresAt: Date) {
        if let slot = slots[key] {
            nodes[slot]?.value = value
            nodes[slot]?.expiresAt = expiresAt
            moveToNewest(slot)
            return
        }
        if slots.count >= capacity, oldest >= 0 {
            remove(slot: oldest)
            evictions += 1
        }
        let node = Node(key: key, value: value, expiresAt: expiresAt, newer: -1, older: newest)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        if newest >= 0 { nodes[newest]?.newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
        slots[key] = slot
    }

    /// Removes the entry for `key`, if any.
    ///
    /// - Returns: The removed value.
    @discardableResult
    package mutating func removeValue(forKey key: Key) -> Value? {
        guard let slot = slots[key] else { return nil }
        let value = nodes[slot]?.value
        remove(slot: slot)
        return value
    }

    /// Removes expired entries from the least recently used end, up to `limit` of them: a
    /// bounded amount of housekeeping that callers may do on each insert.
    ///
    /// - Parameters:
    ///   - now: The current time.
    ///   - limit: The most entries examined.
    package mutating func purgeExpired(now: Date, limit: Int = 2) {
        var examined = 0
        while examined < limit, oldest >= 0, let node = nodes[oldest], node.expiresAt <= now {
            remove(slot: oldest)
            examined += 1
        }
    }

    /// Removes every entry.
    package mutating func removeAll() {
        slots.removeAll()
        nodes.removeAll()
        freeSlots.removeAll()
        newest = -1
        oldest = -1
    }

    private mutating func moveToNewest(_ slot: Int) {
        guard slot != newest, let node = nodes[slot] else { return }
        unlink(slot, node)
        nodes[slot]?.older = newest
        nodes[slot]?.newer = -1
        if newest >= 0 { nodes[newest]?.newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int, _ node: Node) {
        if node.newer >= 0 { nodes[node.newer]?.older = node.older } else { newest = node.older }
        if node.older >= 0 { nodes[node.older]?.newer = node.newer } else { oldest = node.newer }
    }

    private mutating func remove(slot: Int) {
        guard let node = nodes[slot] else { return }
        unlink(slot, node)
        slots[node.key] = nil
        nodes[slot] = nil
        freeSlots.append(slot)
    }
}

extension BoundedCache: Sendable where Key: Sendable, Value: Sendable {}
extension BoundedCache.Node: Sendable where Key: Sendable, Value: Sendable {}
