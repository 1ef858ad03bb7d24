public import Foundation
public import Logging
public import Metrics
import ServiceContextModule
import Synchronization
public import ServiceAuthCore

/// Obtains, caches and refreshes an OAuth 2.0 access token with the client-credentials grant
/// (RFC 6749 §4.4), as Amazon Cognito's `/oauth2/token` serves it.
///
/// - **Cache.** One provider holds one token: for one endpoint, client and scope set. Use a
///   ``TokenCache`` to share providers per (endpoint, client id, scope set) across a process.
/// - **Fast path.** While the cached token is valid, ``accessToken()`` returns it after one
///   uncontended lock; no actor hop, no allocation.
/// - **Single flight.** At a cold start or after expiry, any number of concurrent callers cause
///   exactly one fetch; they all wait for it and get its token (or its error).
/// - **Refresh ahead.** Once a token enters its refresh window (see
///   ``RefreshPolicy``), the first caller starts a background fetch and every caller keeps
///   getting the cached token at once; nobody waits on the network while a valid token exists.
/// - **Failures.** A fetch retries transient failures with bounded exponential backoff and
///   jitter (``RetryPolicy``). While the cached token is valid, callers never see a failure.
///   Without a valid token they get a ``TokenProviderError``; OAuth errors such as
///   `invalid_client` are never retried, and a failure is remembered for
///   ``RetryPolicy/failureCooldown`` so that many callers cannot cause a retry storm.
///
/// Concurrency: the fetch runs in a `Task` that the provider owns. There is at most one at a
/// time; it is bounded by the retry policy and request timeout, holds the provider only weakly
/// (to store the result), and is cancelled when the provider is deinitialised. Callers waiting
/// for it can be cancelled individually without stopping it for the others.
///
/// Secrets: neither the client secret nor a token is ever logged or put into an error.
public final class ClientCredentialsTokenProvider: AccessTokenProvider {
    /// The provider's configuration.
    public let configuration: Configuration

    private let exchange: ClientCredentialsExchange
    private let now: @Sendable () -> Date
    private let metrics: TokenMetrics
    private let state = Mutex(State())

    /// Creates a provider. It fetches nothing until the first ``accessToken()``.
    ///
    /// - Parameters:
    ///   - configuration: The endpoint, client credentials, scopes and policies.
    ///   - transport: Sends the token requests (`AsyncHTTPTransport` from `ServiceAuthHTTP`).
    ///   - now: The clock for expiry decisions; the system clock by default.
    ///   - logger: Where fetch failures are logged (never with a secret or token).
    ///   - metricsFactory: The metrics backend; the bootstrapped global one by default.
    public init(
        configuration: Configuration,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "serviceauth.tokens"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.configuration = configuration
        self.now = now
        let metrics = TokenMetrics(factory: metricsFactory)
        self.metrics = metrics
        exchange = ClientCredentialsExchange(configuration: configuration, transport: transport, logger: logger, metrics: metrics)
    }

    deinit {
        // The fetch task is the only work the provider owns; nobody can be waiting for it
        // (a waiter keeps the provider alive), so cancelling it just stops the requests.
        state.withLock { $0.fetch?.task.cancel() }
    }

    /// Returns a valid access token, fetching or refreshing it as needed.
    ///
    /// - Returns: The token, without the `Bearer ` prefix. Never log it.
    /// - Throws: ``TokenProviderError`` when no valid token exists and the token endpoint did
    ///   not issue one; `CancellationError` when the calling task is cancelled while waiting.
    public func accessToken() async throws -> String {
        let now = self.now()
        let cached: String? = state.withLock { state in
            guard let token = state.token, token.isUsable(at: now) else { return nil }
            startRefreshIfDue(&state, token: token, now: now)
            return token.value
        }
        if let cached {
            metrics.cacheHits.increment()
            return cached
        }
        return try await waitForFetch()
    }

    /// The slow path: join (or start) the one fetch and wait for its outcome.
    private func waitForFetch() async throws -> String {
        metrics.cacheMisses.increment()
        let waiterID = state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let now = self.now()
                let immediate: Result<String, any Error>? = state.withLock { state in
                    // Checked under the lock: the cancellation handler below also takes it, so
                    // either it finds this waiter registered or this sees the cancellation.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let token = state.token, token.isUsable(at: now) {
                        startRefreshIfDue(&state, token: token, now: now)
                        return .success(token.value)
                    }
                    if state.fetch == nil, let failure = state.lastFailure, now < failure.until {
                        return .failure(failure.error)
                    }
                    if state.fetch == nil { startFetch(&state) }
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

    /// Starts a background refresh when `token` is in its refresh window, no fetch is running
    /// and no recent failure asks to wait.
    private func startRefreshIfDue(_ state: inout State, token: IssuedToken, now: Date) {
        guard token.needsRefresh(at: now), state.fetch == nil else { return }
        if let failure = state.lastFailure, now < failure.until { return }
        metrics.refreshes.increment()
        startFetch(&state)
    }

    /// Starts the one fetch. Must be called with the lock held and no fetch running.
    private func startFetch(_ state: inout State) {
        state.nextFetchID &+= 1
        let fetchID = state.nextFetchID
        let exchange = self.exchange
        let now = self.now
        // Owned by the provider: stored in `state.fetch`, cancelled in `deinit`, bounded by the
        // retry policy. It runs outside the triggering request's ServiceContext so that request
        // metadata (and the user's identity) does not leak into the token request.
        let task = Task { [weak self] in
            let outcome: Result<IssuedToken, any Error>
            do {
                outcome = try await ServiceContext.withValue(.topLevel) {
                    try await exchange.fetch(now: now).mapError { $0 as any Error }
                }
            } catch {
                outcome = .failure(error)
            }
            self?.complete(fetchID: fetchID, outcome: outcome)
        }
        state.fetch = Fetch(id: fetchID, task: task, waiters: [:])
    }

    /// Stores a fetch's outcome and resumes everyone waiting for it.
    private func complete(fetchID: UInt64, outcome: Result<IssuedToken, any Error>) {
        let completedAt = now()
        let cooldown = configuration.retry.failureCooldown.timeInterval
        let waiters: [UInt64: CheckedContinuation<String, any Error>] = state.withLock { state in
            guard let fetch = state.fetch, fetch.id == fetchID else { return [:] }
            state.fetch = nil
            switch outcome {
            case .success(let token):
                state.token = token
                state.lastFailure = nil
            case .failure(let error as TokenProviderError):
                state.lastFailure = (error, completedAt.addingTimeInterval(cooldown))
            case .failure:
                break  // Cancelled: nothing learned about the issuer.
            }
            return fetch.waiters
        }
        let result: Result<String, any Error>
        switch outcome {
        case .success(let token): result = .success(token.value)
        case .failure(let error):
            if let error = error as? TokenProviderError { metrics.recordFailure(error.code) }
            result = .failure(error)
        }
        for continuation in waiters.values { continuation.resume(with: result) }
    }

    /// The fetch in progress and the callers waiting for it.
    private struct Fetch {
        let id: UInt64
        let task: Task<Void, Never>
        var waiters: [UInt64: CheckedContinuation<String, any Error>]
    }

    /// Everything the provider knows, guarded by one lock.
    private struct State {
        var token: IssuedToken?
        var fetch: Fetch?
        var lastFailure: (error: TokenProviderError, until: Date)?
        var nextFetchID: UInt64 = 0
        var nextWaiterID: UInt64 = 0
    }
}
