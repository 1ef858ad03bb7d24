import Metrics
import ServiceAuthCore

/// The swift-metrics instruments of JWT verification, created once per verifier so the hot
/// path only increments (an atomic add in real backends).
///
/// Dimensions carry only outcomes and stable error codes, never token contents, so
/// cardinality stays bounded.
struct JWTMetrics: Sendable {
    /// Tokens accepted (full verifications and cache hits).
    let verified: Counter
    /// Tokens accepted from the verified-token cache.
    let cacheHits: Counter
    /// Tokens rejected, by stable code.
    private let failures: [String: Counter]
    private let otherFailures: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        verified = Counter(label: "serviceauth_jwt_verifications_total", dimensions: [("result", "success")], factory: factory)
        cacheHits = Counter(label: "serviceauth_jwt_cache_hits_total", factory: factory)
        let codes: [JWTError.Code] = [
            .malformed, .unsupportedAlgorithm, .unknownKey, .badSignature, .expired, .notYetValid, .wrongIssuer,
            .wrongAudience, .wrongTokenUse, .missingScope, .missingGroup, .jwksUnavailable,
        ]
        var failures: [String: Counter] = [:]
        for code in codes {
            failures[code.rawValue] = Counter(
                label: "serviceauth_jwt_verifications_total", dimensions: [("result", "failure"), ("code", code.rawValue)], factory: factory)
        }
        self.failures = failures
        otherFailures = Counter(
            label: "serviceauth_jwt_verifications_total", dimensions: [("result", "failure"), ("code", "other")], factory: factory)
    }

    func recordFailure(_ code: JWTError.Code) {
        (failures[code.rawValue] ?? otherFailures).increment()
    }
}
