import Synchronization

/// A value set once (the bound port, or the failure to bind) that any number of tasks can
/// await.
final class ListeningAddress: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([]))
    /// The bound port for synchronous readers on the request path (`-1` until bound).
    private let boundPort = Atomic<Int>(-1)

    /// The bound port, once bound.
    var port: Int? {
        let port = boundPort.load(ordering: .relaxed)
        return port >= 0 ? port : nil
    }

    /// Records the outcome and wakes every waiter; later calls are ignored.
    func resolve(_ result: Result<Int, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            switch result {
            case .success(let port):
                state = .bound(port)
                boundPort.store(port, ordering: .relaxed)
            case .failure(let error): state = .failed(error)
            }
            return waiters
        }
        waiters.forEach { $0.resume(with: result) }
    }

    /// Waits for the outcome.
    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let immediate = state.withLock { state -> Result<Int, any Error>? in
                switch state {
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return nil
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }
}
