public import Foundation
public import Logging
public import ServiceAuthCore

/// The public keys of one issuer, fetched from its JWKS and kept ready to use.
///
/// The hot path — a token whose `kid` is known and fresh — is one `Mutex`-guarded dictionary
/// lookup of a prebuilt swift-crypto key: no actor hop, no allocation. Only a miss does async
/// work, and misses are disciplined:
/// - an unknown `kid` causes one refetch; if still unknown, it is remembered for
///   ``Configuration/unknownKeyCooldown`` (a per-`kid` negative cache);
/// - miss-triggered fetches are globally limited to one per
///   ``Configuration/minimumRefetchInterval``, so random-`kid` floods cannot hammer the issuer,
///   yet a genuinely new key is picked up within that interval (no per-URL penalty box);
/// - concurrent misses share one fetch (single flight);
/// - a fetch replaces the whole key table, so keys the issuer removed are evicted;
/// - a failed fetch (outage, garbage) keeps the cached keys in service;
/// - a stale but known key is used at once while a background fetch refreshes the set, but
///   only up to ``Configuration/maximumStaleness`` past its freshness: after that a request
///   waits for a fetch, and fails with `jwks_unavailable` if the issuer is still unreachable.
///
/// The key table, its freshness and staleness, the single flight and the refetch rate limit are
/// a ``RefreshingValue``; the unknown-`kid` negative cache is this type's own.
///
/// Freshness follows `Cache-Control: max-age`, else ``Configuration/defaultMaxAge``. Call
/// ``hydrate()`` before taking traffic; ``isReady`` tells readiness probes when keys are loaded.
/// ``refresher(interval:)`` keeps the keys fresh in the background as a service-lifecycle `Service`.
public final class JWKSCache: Sendable {
    /// The configuration.
    public let configuration: Configuration
    private let now: @Sendable () -> Date
    /// The key table with its freshness (`max-age`) and usability (plus `maximumStaleness`),
    /// the one fetch in flight and the global refetch rate limit.
    private let keys: RefreshingValue<JWKSetParser.Result>
    private let fetcher: JWKSFetcher
    private let unknownKeys: JWKSUnknownKeys
    private let status: JWKSKeySetStatus

    /// The most `kid`s the negative cache remembers; beyond this the oldest are forgotten.
    fileprivate static let negativeCacheLimit = 4096

    /// Creates a cache.
    ///
    /// - Parameters:
    ///   - configuration: Source and limits.
    ///   - transport: The HTTP transport used for fetches (e.g. `AsyncHTTPTransport`).
    ///   - now: The clock for freshness and cool-downs; injectable for tests.
    ///   - logger: Where fetch outcomes are logged (never key material).
    public init(
        configuration: Configuration,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "serviceauth.jwks")
    ) {
        self.configuration = configuration
        self.now = now
        let fetcher = JWKSFetcher(configuration: configuration, transport: transport, logger: logger)
        let unknownKeys = JWKSUnknownKeys(cooldown: configuration.unknownKeyCooldown, capacity: Self.negativeCacheLimit)
        let status = JWKSKeySetStatus()
        self.status = status
        let staleness = configuration.maximumStaleness.timeInterval
        self.fetcher = fetcher
        self.unknownKeys = unknownKeys
        // No failure cool-down: the refetch interval alone spaces fetches, failed or not, and a
        // failed fetch keeps the cached keys in service (they stay usable up to their expiry).
        keys = RefreshingValue(
            throttle: .init(failureCooldown: .zero, minimumFetchInterval: configuration.minimumRefetchInterval),
            now: now,
            didPublish: { previous, published in
                status.publish(previous: previous, published: published)
                // Newly published kids must not stay in the negative cache.
                unknownKeys.forget(published.value.keysByID.keys)
            },
            fetch: {
                let (keys, maxAge) = try await fetcher.fetch()
                let freshUntil = now().addingTimeInterval(maxAge)
                return .init(value: keys, refreshAt: freshUntil, expiresAt: freshUntil.addingTimeInterval(staleness))
            }
        )
    }

    /// Creates a cache for a JWKS URL with default limits.
    ///
    /// - Parameters:
    ///   - jwksURI: The absolute URL of the JWKS document.
    ///   - transport: The HTTP transport.
    ///   - now: The clock.
    public convenience init(jwksURI: URL, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(configuration: Configuration(source: .jwksURI(jwksURI)), transport: transport, now: now)
    }

    /// Whether keys have been loaded at least once (for readiness probes: `/healthz` answers
    /// 503 until then).
    public var isReady: Bool { keys.entry != nil }

    /// The `kid`s currently cached, sorted.
    public var keyIDs: [String] { keys.entry?.value.keysByID.keys.sorted() ?? [] }

    /// How many fetches have been started (for diagnostics and tests).
    public var fetchCount: Int { fetcher.fetchCount }

    /// Loads the keys now, before the service takes traffic.
    ///
    /// - Throws: ``JWTError`` `jwks_unavailable` when the fetch fails and no keys are cached.
    public func hydrate() async throws(JWTError) {
        do {
            try await keys.refresh()
        } catch {
            if !isReady { throw Self.jwtError(error) }
        }
    }

    /// Refetches the keys now (joining a fetch already in flight).
    ///
    /// - Throws: ``JWTError`` `jwks_unavailable` when this fetch fails (cached keys stay in service).
    public func refresh() async throws(JWTError) {
        do {
            try await keys.refresh()
        } catch {
            throw Self.jwtError(error)
        }
    }

    /// A background service that refreshes the keys every `interval`.
    ///
    /// - Parameter interval: Time between refreshes; keep it below the JWKS's `max-age`.
    /// - Returns: A swift-service-lifecycle `Service` to run in a `ServiceGroup`.
    public func refresher(interval: Duration = .seconds(300)) -> JWKSRefresher {
        JWKSRefresher(caches: [self], interval: interval)
    }

    /// Changes whenever a fetch changes the set of published keys.
    var keySetGeneration: Int { status.keySetGeneration }

    /// Whether the loaded keys may still be used at `date`: fresh, or stale by no more than
    /// ``Configuration/maximumStaleness``.
    func keysUsable(at date: Date) -> Bool { status.keysUsable(at: date) }

    // MARK: - Key lookup

    /// The cached key for `keyID` if the table is fresh; the synchronous hot path.
    func freshKey(_ keyID: String) -> JWKSKey? {
        keys.freshValue?.keysByID[keyID]
    }

    /// The currently cached key for `keyID`, fresh or not (used to validate cached verifications).
    func cachedKey(_ keyID: String) -> JWKSKey? {
        keys.entry?.value.keysByID[keyID]
    }

    /// The key for `keyID`, fetching when needed.
    ///
    /// - Throws: `unknown_key` when the issuer does not publish it; `jwks_unavailable` when the
    ///   keys could not be fetched and none is cached under that `kid`.
    func key(for keyID: String) async throws(JWTError) -> JWKSKey {
        if let key = freshKey(keyID) { return key }
        if cachedKey(keyID) != nil {
            // Known but stale: while usable, the shared value hands it out at once and
            // refreshes in the background (if the rate limit allows), so no request waits on
            // the issuer — during an outage not even one. Too stale, only a fetch helps.
            let table: JWKSetParser.Result
            do {
                table = try await keys.value()
            } catch {
                throw Self.tooStale
            }
            if let key = table.keysByID[keyID] { return key }
            // A fetch succeeded and the issuer no longer publishes the kid.
            unknownKeys.remember(keyID, at: now())
            throw Self.unknownKey
        }
        if unknownKeys.contains(keyID, at: now()) { throw Self.unknownKey }
        // Unknown kid: one refetch (shared, rate-limited), since the issuer may have rotated.
        let fetched: JWKSetParser.Result?
        var failure: JWTError?
        do {
            fetched = try await keys.refreshIfAllowed()
        } catch {
            fetched = nil
            failure = Self.jwtError(error)
        }
        if fetched == nil, failure == nil {
            // Rate-limited: no fetch now.
            if isReady { throw Self.unknownKey }
            throw JWTError(.jwksUnavailable, "the issuer's keys could not be fetched")
        }
        if let key = cachedKey(keyID) {
            guard keysUsable(at: now()) else { throw Self.tooStale }
            return key
        }
        // Only a successful fetch proves the kid unknown; after a failed one the global
        // rate limit alone holds back retries.
        if let failure { throw failure }
        unknownKeys.remember(keyID, at: now())
        throw Self.unknownKey
    }

    /// The only key compatible with `algorithm` among the keys without `kid`, for verifiers
    /// configured to accept tokens without `kid`. Never falls back to keys that have a `kid`.
    func soleUnnamedKey(for algorithm: JWTAlgorithm) async throws(JWTError) -> JWKSKey {
        do {
            if !isReady {
                // Load the keys once, under the same rate limit as any miss.
                _ = try await keys.refreshIfAllowed()
                guard isReady else { throw JWTError(.jwksUnavailable, "the issuer's keys could not be fetched") }
            }
            if !keysUsable(at: now()) {
                // Under the rate limit too: a caller must not be able to force fetches.
                _ = try await keys.refreshIfAllowed()
                guard keysUsable(at: now()) else { throw JWTError(.jwksUnavailable, "the issuer's keys are too stale to use") }
            }
        } catch {
            throw Self.jwtError(error)
        }
        let candidates = keys.entry?.value.unnamedKeys.filter { $0.accepts(algorithm) } ?? []
        guard candidates.count == 1 else {
            throw JWTError(.unknownKey, "the token has no kid and the issuer does not publish exactly one matching key")
        }
        return candidates[0]
    }

    /// Waits for the fetch in flight, if any (tests use it to observe background refreshes).
    func awaitPendingFetch() async {
        await keys.awaitPendingFetch()
    }

    private static let unknownKey = JWTError(.unknownKey, "no key with this kid is published by the issuer")
    private static let tooStale = JWTError(.jwksUnavailable, "the issuer's keys are too stale to use and could not be refetched")

    /// The fetch's own error, or `jwks_unavailable` for a cancelled wait.
    private static func jwtError(_ error: any Error) -> JWTError {
        error as? JWTError ?? JWTError(.jwksUnavailable, "the issuer's keys could not be fetched")
    }

    /// The `max-age` of `Cache-Control` values, in seconds; `nil` when absent. `no-store` and
    /// `no-cache` count as zero (the rate limit still bounds refetches).
    static func maxAge(_ values: [String]) -> TimeInterval? {
        var result: TimeInterval?
        for directive in values.joined(separator: ",").split(separator: ",") {
            let trimmed = directive.trimmingCharacters(in: .whitespaces).lowercased()
            if trimmed == "no-store" || trimmed == "no-cache" { return 0 }
            guard trimmed.hasPrefix("max-age=") else { continue }
            var value = trimmed.dropFirst("max-age=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard !value.isEmpty, value.count <= 10, value.allSatisfy(\.isASCIIDigit), let seconds = Double(value) else { continue }
            result = seconds
        }
        return result
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
