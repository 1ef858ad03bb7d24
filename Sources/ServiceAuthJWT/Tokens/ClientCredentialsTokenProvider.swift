public import Foundation
public import Logging
public import Metrics
import ServiceContextModule
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
/// Concurrency: caching, single flight, refresh ahead and the failure cool-down are a
/// ``RefreshingValue``; the fetch runs in a `Task` it owns. There is at most one at a
/// time; it is bounded by the retry policy and request timeout, holds the provider only weakly
/// (to store the result), and is cancelled when the provider is deinitialised. Callers waiting
/// for it can be cancelled individually without stopping it for the others.
///
/// Secrets: neither the client secret nor a token is ever logged or put into an error.
public final class ClientCredentialsTokenProvider: AccessTokenProvider {
    /// The provider's configuration.
    public let configuration: Configuration

    private let metrics: TokenMetrics
    /// The token, its refresh and expiry instants, the one fetch and the failure cool-down.
    private let token: RefreshingValue<String>

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
        let metrics = TokenMetrics(factory: metricsFactory)
        self.metrics = metrics
        let exchange = ClientCredentialsExchange(configuration: configuration, transport: transport, logger: logger, metrics: metrics)
        token = RefreshingValue(throttle: .init(failureCooldown: configuration.retry.failureCooldown), now: now) {
            // Outside the triggering request's ServiceContext, so that request metadata (and
            // the user's identity) does not leak into the token request.
            let result = try await ServiceContext.withValue(.topLevel) { try await exchange.fetch(now: now) }
            switch result {
            case .success(let issued):
                return RefreshingValue.Entry(value: issued.value, refreshAt: issued.refreshAt, expiresAt: issued.usableUntil)
            case .failure(let error):
                metrics.recordFailure(error.code)
                throw error
            }
        }
    }

    /// Returns a valid access token, fetching or refreshing it as needed.
    ///
    /// - Returns: The token, without the `Bearer ` prefix. Never log it.
    /// - Throws: ``TokenProviderError`` when no valid token exists and the token endpoint did
    ///   not issue one; `CancellationError` when the calling task is cancelled while waiting.
    public func accessToken() async throws -> String {
        let lookup: RefreshingValue<String>.Lookup
        do {
            lookup = try await token.lookup()
        } catch {
            metrics.cacheMisses.increment()  // only a caller without a usable token fails
            throw error
        }
        switch lookup.origin {
        case .cache:
            metrics.cacheHits.increment()
        case .cacheStartedRefresh:
            metrics.cacheHits.increment()
            metrics.refreshes.increment()
        case .fetch:
            metrics.cacheMisses.increment()
        }
        return lookup.value
    }
}
