import Metrics
import ServiceAuthCore

/// The swift-metrics instruments of the token provider.
///
/// Names follow the package's `serviceauth_<thing>_total` convention; dimensions carry no
/// client id or secret, only outcomes and stable error codes, so cardinality stays bounded.
struct TokenMetrics: Sendable {
    /// Requests sent to the token endpoint, by `result` (`success`/`failure`).
    let requestsSucceeded: Counter
    let requestsFailed: Counter
    /// Tokens handed out from the cache without waiting for the network.
    let cacheHits: Counter
    /// Callers that had to wait for a token request.
    let cacheMisses: Counter
    /// Background refreshes started ahead of expiry.
    let refreshes: Counter
    private let factory: any MetricsFactory

    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        requestsSucceeded = Counter(label: "serviceauth_token_requests_total", dimensions: [("result", "success")], factory: factory)
        requestsFailed = Counter(label: "serviceauth_token_requests_total", dimensions: [("result", "failure")], factory: factory)
        cacheHits = Counter(label: "serviceauth_token_cache_hits_total", factory: factory)
        cacheMisses = Counter(label: "serviceauth_token_cache_misses_total", factory: factory)
        refreshes = Counter(label: "serviceauth_token_refreshes_total", factory: factory)
    }

    /// Counts a fetch that failed after its retries, by stable error code.
    func recordFailure(_ code: TokenProviderError.Code) {
        Counter(label: "serviceauth_token_failures_total", dimensions: [("code", code.rawValue)], factory: factory).increment()
    }
}
