public import Foundation
import ServiceContextModule
import Synchronization

/// A cached value that one fetch at a time keeps current: the building block of every
/// component that holds a remotely issued value (OAuth tokens, STS credentials, JWKS keys).
///
/// - **Fast path.** While the value is fresh, ``value()`` returns it after one uncontended
///   lock: no actor hop, no allocation.
/// - **Single flight.** Without a usable value, any number of concurrent callers share one
///   fetch and all get its value (or its error).
/// - **Refresh ahead.** From the entry's ``Entry/refreshAt`` until its ``Entry/expiresAt``,
///   callers get the cached value at once and the first of them starts a background fetch;
///   nobody waits on the network while a usable value exists, and an outage is invisible to
///   callers until the value expires.
/// - **No fetch storms.** After a failed fetch, no automatic fetch starts for
///   ``Throttle/failureCooldown``: callers with a usable value keep getting it, callers without
///   one get the failure again. ``Throttle/minimumFetchInterval`` also spaces fetch starts.
/// - **Cancellation.** A cancelled caller stops waiting (with `CancellationError`); the shared
///   fetch goes on for the others. Releasing the `RefreshingValue` cancels its fetch.
///
/// The fetch runs in an unstructured `Task` owned by this object, which it holds only weakly;
/// it inherits the task-local values of the caller that started it, so a component whose fetch
/// must not carry request metadata clears them in its `fetch` closure.
public final class RefreshingValue<Value: Sendable>: Sendable {
    /// The fetch: produces a new entry or throws. A thrown `CancellationError` is not
    /// remembered as a failure (nothing was learned about the source).
    public typealias Fetch = @Sendable () async throws -> Entry
    /// Called under the lock whenever a fetch publishes an entry, with the previous value.
    /// Must be quick and must not call back into the `RefreshingValue`.
    public typealias PublishHook = @Sendable (_ previous: Value?, _ published: Entry) -> Void

    /// When automatic fetches may start.
    public let throttle: Throttle
    private let now: @Sendable () -> Date
    private let fetch: Fetch
    private let didPublish: PublishHook?
    private let state = Mutex(State())

    /// Creates an empty value. Nothing is fetched until the first call that needs a value.
    ///
    /// - Parameters:
    ///   - throttle: When automatic fetches may start.
    ///   - now: The clock for freshness, expiry and cool-downs; the system clock by default.
    ///   - didPublish: Called under the lock when a fetch publishes an entry.
    ///   - fetch: Fetches a new entry. It must not capture this object strongly.
    public init(
        throttle: Throttle = Throttle(),
        now: @escaping @Sendable () -> Date = { Date() },
        didPublish: PublishHook? = nil,
        fetch: @escaping Fetch
    ) {
        self.throttle = throttle
        self.now = now
        self.didPublish = didPublish
        self.fetch = fetch
    }

    deinit {
        // Nobody can be waiting (a waiter keeps this object alive through its owner), so
        // cancelling only stops work whose result nobody would see.
        state.withLock { $0.fetch?.task.cancel() }
    }

    /// The cached entry, usable or not, without fetching.
    public var entry: Entry? { state.withLock { $0.entry } }

    /// The cached value if it is fresh (before its ``Entry/refreshAt``), without fetching or
    /// starting a refresh.
    public var freshValue: Value? {
        let date = now()
        return state.withLock { state in
            guard let entry = state.entry, date < entry.refreshAt else { return nil }
            return entry.value
        }
    }

    /// A usable value: the cached one (starting a background refresh in its refresh window),
    /// else the result of the one shared fetch.
    ///
    /// - Returns: The value.
    /// - Throws: The fetch's error; the remembered failure during the cool-down;
    ///   ``RefreshingValueError/throttled`` when fetches are spaced and none may start yet;
    ///   `CancellationError` when the calling task is cancelled while waiting.
    public func value() async throws -> Value {
        try await lookup().value
    }

    /// Like ``value()``, and tells how the value was obtained.
    ///
    /// - Returns: The value and its origin.
    /// - Throws: See ``value()``.
    public func lookup() async throws -> Lookup {
        let date = now()
        let cached: Lookup? = state.withLock { state in
            guard let entry = state.entry, date < entry.expiresAt else { return nil }
            return Lookup(value: entry.value, origin: refreshIfDue(&state, entry: entry, at: date))
        }
        if let cached { return cached }
        // `.automatic` never answers `nil`.
        guard let value = try await join(.automatic) else { throw RefreshingValueError.throttled }
        return Lookup(value: value, origin: .fetch)
    }

    /// Fetches now, ignoring the cool-down and the fetch interval, or joins the fetch in flight.
    ///
    /// - Returns: The fetched value.
    /// - Throws: The fetch's error, or `CancellationError` when the calling task is cancelled.
    @discardableResult
    public func refresh() async throws -> Value {
        guard let value = try await join(.forced) else { throw RefreshingValueError.throttled }
        return value
    }

    /// Joins the fetch in flight, or starts one unless the throttle forbids it now.
    ///
    /// - Returns: The fetched value; `nil` when no fetch was allowed (nothing was waited for).
    /// - Throws: The fetch's error, or `CancellationError` when the calling task is cancelled.
    public func refreshIfAllowed() async throws -> Value? {
        try await join(.unlessThrottled)
    }

    /// Waits for the fetch in flight, if any, to finish (for tests and orderly shutdown).
    public func awaitPendingFetch() async {
        if let task = state.withLock({ $0.fetch?.task }) { await task.value }
    }

    // MARK: - Waiting

    /// What a caller that needs a fetch does when none is in flight.
    private enum JoinMode {
        /// Starts one unless throttled; when throttled, fails with the remembered error.
        case automatic
        /// Starts one whatever the throttle says.
        case forced
        /// Starts one unless throttled; when throttled, answers `nil`.
        case unlessThrottled
    }

    /// Joins (or starts) the one fetch and waits for its outcome.
    private func join(_ mode: JoinMode) async throws -> Value? {
        let waiterID = state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value?, any Error>) in
                let date = now()
                let immediate: Result<Value?, any Error>? = state.withLock { state in
                    // Checked under the lock: the cancellation handler takes it too, so either
                    // it finds this waiter registered or this sees the cancellation.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if mode == .automatic, let entry = state.entry, date < entry.expiresAt {
                        // Another caller's fetch landed since the fast path looked.
                        _ = refreshIfDue(&state, entry: entry, at: date)
                        return .success(entry.value)
                    }
                    if state.fetch == nil {
                        if mode != .forced, let refusal = throttleRefusal(state, at: date) {
                            return mode == .automatic ? .failure(refusal) : .success(nil)
                        }
                        startFetch(&state, at: date)
                    }
                    state.fetch?.waiters[waiterID] = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { $0.fetch?.waiters.removeValue(forKey: waiterID) }
            continuation?.resume(throwing: CancellationError())
        }
    }

    // MARK: - Fetching (all with the lock held)

    /// Starts a background refresh when `entry` is in its refresh window and the throttle
    /// allows one.
    private func refreshIfDue(_ state: inout State, entry: Entry, at date: Date) -> Lookup.Origin {
        guard date >= entry.refreshAt, state.fetch == nil, throttleRefusal(state, at: date) == nil else { return .cache }
        startFetch(&state, at: date)
        return .cacheStartedRefresh
    }

    /// Why no automatic fetch may start at `date`, or `nil` when one may.
    private func throttleRefusal(_ state: State, at date: Date) -> (any Error)? {
        if let failure = state.lastFailure, date < failure.until { return failure.error }
        if let start = state.lastFetchStart, date < start.addingTimeInterval(throttle.minimumFetchInterval.timeInterval) {
            return state.lastFailure?.error ?? RefreshingValueError.throttled
        }
        return nil
    }

    /// Starts the one fetch. Must be called with no fetch in flight.
    private func startFetch(_ state: inout State, at date: Date) {
        state.lastFetchStart = date
        let fetch = self.fetch
        // Owned by this object: stored in `state.fetch`, cancelled in `deinit`. Unstructured,
        // because the fetch serves every caller, not the one that happened to start it.
        let task = Task { [weak self] in
            let outcome: Result<Entry, any Error>
            do {
                // Not in the context of the request that happened to start it: the fetch
                // serves everyone, and must not carry that caller's identity or trace.
                outcome = .success(try await ServiceContext.withValue(.topLevel) { try await fetch() })
            } catch {
                outcome = .failure(error)
            }
            self?.complete(outcome)
        }
        state.fetch = InFlight(task: task)
    }

    /// Publishes a fetch's outcome and resumes everyone waiting for it.
    private func complete(_ outcome: Result<Entry, any Error>) {
        let completedAt = now()
        let waiters = state.withLock { state in
            let waiters = state.fetch?.waiters ?? [:]
            state.fetch = nil
            switch outcome {
            case .success(let entry):
                didPublish?(state.entry?.value, entry)
                state.entry = entry
                state.lastFailure = nil
            case .failure(is CancellationError):
                break  // Nothing was learned about the source.
            case .failure(let error):
                state.lastFailure = (error, completedAt.addingTimeInterval(throttle.failureCooldown.timeInterval))
            }
            return waiters
        }
        let result = outcome.map { Optional($0.value) }
        for continuation in waiters.values { continuation.resume(with: result) }
    }

    /// The fetch in flight and the callers waiting for it.
    private struct InFlight {
        let task: Task<Void, Never>
        var waiters: [UInt64: CheckedContinuation<Value?, any Error>] = [:]
    }

    /// Everything this object knows, guarded by one lock.
    private struct State {
        var entry: Entry?
        var fetch: InFlight?
        var lastFailure: (error: any Error, until: Date)?
        var lastFetchStart: Date?
        var nextWaiterID: UInt64 = 0
    }
}
