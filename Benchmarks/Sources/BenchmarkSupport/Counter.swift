import Synchronization

/// A thread-safe counter.
public final class Counter: Sendable {
    private let storage = Atomic<Int>(0)
    public init() {}
    public func increment() { storage.add(1, ordering: .relaxed) }
    public var value: Int { storage.load(ordering: .relaxed) }
}
