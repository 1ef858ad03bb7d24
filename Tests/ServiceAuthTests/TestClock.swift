import Foundation
import Synchronization

/// A clock tests set and move by hand, shared by every suite that checks time rules.
final class TestClock: Sendable {
    private let storage: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { storage = Mutex(start) }

    var now: Date {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    func advance(_ seconds: TimeInterval) { storage.withLock { $0 = $0.addingTimeInterval(seconds) } }
    func advance(by seconds: TimeInterval) { advance(seconds) }

    /// The clock as the `now` closure the library's types take.
    var closure: @Sendable () -> Date { { self.now } }
}
