import Synchronization

/// Holds a lazily created fixture so that all benchmarks of a suite share one instance.
public final class FixtureBox<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)
    public init() {}
    public var value: Value? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
