import Synchronization

/// Set once a request's handler has produced its response; read by the task feeding the
/// request body, which then stops reading.
final class AnsweredFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Marks the response as produced.
    func set() { value.store(true, ordering: .releasing) }

    /// Whether the response has been produced.
    var isSet: Bool { value.load(ordering: .acquiring) }
}
