public import Foundation
public import Logging
import HTTPTypes
import Synchronization
import Crypto
import Metrics
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
/// Freshness follows `Cache-Control: max-age`, else ``Configuration/defaultMaxAge``. Call
/// ``hydrate()`` before taking traffic; ``isReady`` tells readiness probes when keys are loaded.
/// ``refresher(interval:)`` keeps the keys fresh in the background as a service-lifecycle `Service`.
public final class JWKSCache: Sendable {
    /// The configuration.
    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state: Mutex<State>
    /// Bumped whenever a fetch changes the published keys, so cached verifications can tell
    /// with one atomic load that their key is still there.
    private let generation = Atomic<Int>(0)
    /// Milliseconds since 1970 until which the loaded keys may be used (fresh, or stale within
    /// ``Configuration/maximumStaleness``): one atomic load for cached verifications to check.
    private let usableUntilMilliseconds = Atomic<Int>(0)
    private let fetchesSucceeded = Counter(label: "serviceauth_jwks_fetches_total", dimensions: [("result", "success")])
    private let fetchesFailed = Counter(label: "serviceauth_jwks_fetches_total", dimensions: [("result", "failure")])

    private struct State: Sendable {
        var keys = JWKSetParser.Result()
        var loadedAt: Date?
        var freshUntil = Date.distantPast
        var lastFetchStart: Date?
        var negative = BoundedCache<String, Void>(capacity: JWKSCache.negativeCacheLimit)
        var inflight: Task<FetchOutcome, Never>?
        var resolvedJWKSURI: String?
        var fetchCount = 0
    }

    enum FetchOutcome: Sendable {
        case success
        case failure(JWTError)
    }

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
        self.transport = transport
        self.now = now
        self.logger = logger
        self.state = Mutex(State())
    }

    /// Creates a cache for a JWKS URL with default limits.
    ///
    /// - Parameters:
    ///   - jwksURI: The absolute URL of the JWKS document.
    ///   - transport: The HTTP transport.
    ///   - now: The clock.
    public convenience init(jwksURI: String, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(configuration: Configuration(source: .jwksURI(jwksURI)), transport: transport, now: now)
    }

    /// Whether keys have been loaded at least once (for readiness probes: `/healthz` answers
    /// 503 until then).
    public var isReady: Bool { state.withLock { $0.loadedAt != nil } }

    /// The `kid`s currently cached, sorted.
    public var keyIDs: [String] { state.withLock { $0.keys.keysByID.keys.sorted() } }

    /// How many fetches have been started (for diagnostics and tests).
    public var fetchCount: Int { state.withLock { $0.fetchCount } }

    /// Loads the keys now, before the service takes traffic.
    ///
    /// - Throws: ``JWTError`` `jwks_unavailable` when the fetch fails and no keys are cached.
    public func hydrate() async throws(JWTError) {
        if case .failure(let error) = await startOrJoinFetch(), !isReady { throw error }
    }

    /// Refetches the keys now (joining a fetch already in flight).
    ///
    /// - Throws: ``JWTError`` `jwks_unavailable` when this fetch fails (cached keys stay in service).
    public func refresh() async throws(JWTError) {
        if case .failure(let error) = await startOrJoinFetch() { throw error }
    }

    /// A background service that refreshes the keys every `interval`.
    ///
    /// - Parameter interval: Time between refreshes; keep it below the JWKS's `max-age`.
    /// - Returns: A swift-service-lifecycle `Service` to run in a `ServiceGroup`.
    public func refresher(interval: Duration = .seconds(300)) -> JWKSRefresher {
        JWKSRefresher(caches: [self], interval: interval)
    }

    /// Changes whenever a fetch changes the set of published keys.
    var keySetGeneration: Int { generation.load(ordering: .acquiring) }

    /// Whether the loaded keys may still be used at `date`: fresh, or stale by no more than
    /// ``Configuration/maximumStaleness``.
    func keysUsable(at date: Date) -> Bool {
        Self.milliseconds(date) < usableUntilMilliseconds.load(ordering: .acquiring)
    }

    private static func milliseconds(_ date: Date) -> Int {
        let value = date.timeIntervalSince1970 * 1000
        return value.isFinite ? Int(max(min(value, 1e15), -1e15)) : 0
    }

    // MARK: - Key lookup

    /// The cached key for `keyID` if the table is fresh; the synchronous hot path.
    func freshKey(_ keyID: String) -> JWKSKey? {
        let date = now()
        return state.withLock { state in
            guard date < state.freshUntil else { return nil }
            return state.keys.keysByID[keyID]
        }
    }

    /// The currently cached key for `keyID`, fresh or not (used to validate cached verifications).
    func cachedKey(_ keyID: String) -> JWKSKey? {
        state.withLock { $0.keys.keysByID[keyID] }
    }

    /// The key for `keyID`, fetching when needed.
    ///
    /// - Throws: `unknown_key` when the issuer does not publish it; `jwks_unavailable` when the
    ///   keys could not be fetched and none is cached under that `kid`.
    func key(for keyID: String) async throws(JWTError) -> JWKSKey {
        if let key = freshKey(keyID) { return key }
        let date = now()
        let decision: MissDecision = state.withLock { state in
            if let key = state.keys.keysByID[keyID] {
                if keysUsable(at: date) {
                    // Stale but known: use it now and refresh in the background (if the rate
                    // limit allows), so no request waits on the issuer — during an outage not even one.
                    if state.inflight == nil, canFetch(state, at: date) { _ = startFetch(&state, at: date) }
                    return .use(key)
                }
                // Known but too stale to trust: only a successful fetch makes it usable again.
                if let inflight = state.inflight { return .wait(inflight) }
                guard canFetch(state, at: date) else { return .tooStale }
                return .wait(startFetch(&state, at: date))
            }
            if state.negative.value(forKey: keyID, now: date, touch: false) != nil { return .unknown }
            if let inflight = state.inflight { return .wait(inflight) }
            guard canFetch(state, at: date) else { return .rateLimited }
            return .wait(startFetch(&state, at: date))
        }
        switch decision {
        case .use(let key):
            return key
        case .unknown:
            throw JWTError(.unknownKey, "no key with this kid is published by the issuer")
        case .rateLimited:
            if isReady { throw JWTError(.unknownKey, "no key with this kid is published by the issuer") }
            throw JWTError(.jwksUnavailable, "the issuer's keys could not be fetched")
        case .tooStale:
            throw JWTError(.jwksUnavailable, "the issuer's keys are too stale to use and could not be refetched")
        case .wait(let task):
            let outcome = await task.value
            if let key = cachedKey(keyID) {
                guard keysUsable(at: now()) else {
                    throw JWTError(.jwksUnavailable, "the issuer's keys are too stale to use and could not be refetched")
                }
                return key
            }
            // Only a successful fetch proves the kid unknown; after a failed one the global
            // rate limit alone holds back retries.
            if case .failure(let error) = outcome { throw error }
            rememberUnknown(keyID)
            throw JWTError(.unknownKey, "no key with this kid is published by the issuer")
        }
    }

    /// The only key compatible with `algorithm` among the keys without `kid`, for verifiers
    /// configured to accept tokens without `kid`. Never falls back to keys that have a `kid`.
    func soleUnnamedKey(for algorithm: JWTAlgorithm) async throws(JWTError) -> JWKSKey {
        if !isReady {
            // Load the keys once, under the same rate limit as any miss.
            let date = now()
            let task: Task<FetchOutcome, Never>? = state.withLock { state in
                if let inflight = state.inflight { return inflight }
                return canFetch(state, at: date) ? startFetch(&state, at: date) : nil
            }
            if let task, case .failure(let error) = await task.value { throw error }
            guard isReady else { throw JWTError(.jwksUnavailable, "the issuer's keys could not be fetched") }
        }
        if !keysUsable(at: now()) {
            if case .failure(let error) = await startOrJoinFetch() { throw error }
            guard keysUsable(at: now()) else { throw JWTError(.jwksUnavailable, "the issuer's keys are too stale to use") }
        }
        let candidates = state.withLock { $0.keys.unnamedKeys.filter { $0.accepts(algorithm) } }
        guard candidates.count == 1 else {
            throw JWTError(.unknownKey, "the token has no kid and the issuer does not publish exactly one matching key")
        }
        return candidates[0]
    }

    /// Waits for the fetch in flight, if any (tests use it to observe background refreshes).
    func awaitPendingFetch() async {
        if let task = state.withLock({ $0.inflight }) { _ = await task.value }
    }

    private enum MissDecision: Sendable {
        case use(JWKSKey)
        case unknown
        case rateLimited
        case tooStale
        case wait(Task<FetchOutcome, Never>)
    }

    private func canFetch(_ state: State, at date: Date) -> Bool {
        guard let last = state.lastFetchStart else { return true }
        return date.timeIntervalSince(last) >= configuration.minimumRefetchInterval.timeInterval
    }

    private func rememberUnknown(_ keyID: String) {
        let until = now().addingTimeInterval(configuration.unknownKeyCooldown.timeInterval)
        let date = now()
        state.withLock { state in
            state.negative.purgeExpired(now: date)
            state.negative.insert((), forKey: keyID, expiresAt: until)
        }
    }

    // MARK: - Fetching

    private func startOrJoinFetch() async -> FetchOutcome {
        let date = now()
        let task = state.withLock { state in
            if let inflight = state.inflight { return inflight }
            return startFetch(&state, at: date)
        }
        return await task.value
    }

    /// Starts the single in-flight fetch. Called with the lock held.
    private func startFetch(_ state: inout State, at date: Date) -> Task<FetchOutcome, Never> {
        state.lastFetchStart = date
        state.fetchCount += 1
        // An unstructured task, because the fetch belongs to the cache, not to whichever
        // request missed first: if that request is cancelled, the others still get the keys.
        let task = Task { await self.performFetch() }
        state.inflight = task
        return task
    }

    private func performFetch() async -> FetchOutcome {
        let outcome: FetchOutcome
        do {
            let (keys, maxAge) = try await fetchKeySet()
            let date = now()
            state.withLock { state in
                if Self.fingerprints(state.keys) != Self.fingerprints(keys) {
                    generation.add(1, ordering: .releasing)
                }
                state.keys = keys
                state.loadedAt = date
                state.freshUntil = date.addingTimeInterval(maxAge)
                usableUntilMilliseconds.store(
                    Self.milliseconds(state.freshUntil.addingTimeInterval(configuration.maximumStaleness.timeInterval)),
                    ordering: .releasing
                )
                state.inflight = nil
                // Newly published kids must not stay in the negative cache.
                for keyID in keys.keysByID.keys { state.negative.removeValue(forKey: keyID) }
            }
            fetchesSucceeded.increment()
            logger.debug("fetched JWKS", metadata: ["keys": "\(keys.keysByID.count)", "skipped": "\(keys.skipped)"])
            return .success
        } catch {
            outcome = .failure(error)
        }
        state.withLock { $0.inflight = nil }
        if case .failure(let error) = outcome {
            fetchesFailed.increment()
            logger.warning("JWKS fetch failed; cached keys stay in service", metadata: ["reason": "\(error.message)"])
        }
        return outcome
    }

    private static func fingerprints(_ keys: JWKSetParser.Result) -> [String: SHA256.Digest] {
        var result = keys.keysByID.mapValues(\.fingerprint)
        for (index, key) in keys.unnamedKeys.enumerated() { result["#\(index)"] = key.fingerprint }
        return result
    }

    private func fetchKeySet() async throws(JWTError) -> (JWKSetParser.Result, TimeInterval) {
        let uri = try await jwksURI()
        let (response, body) = try await get(uri)
        guard let keys = JWKSetParser.parse(body, maxKeys: configuration.maxKeys) else {
            throw JWTError(.jwksUnavailable, "the issuer's JWKS is not a valid JWK Set")
        }
        let maxAge = Self.maxAge(response.headerFields[values: .cacheControl])
            ?? configuration.defaultMaxAge.timeInterval
        return (keys, min(maxAge, configuration.maximumMaxAge.timeInterval))
    }

    private func jwksURI() async throws(JWTError) -> String {
        switch configuration.source {
        case .jwksURI(let uri):
            return uri
        case .discovery(let issuer):
            if let resolved = state.withLock({ $0.resolvedJWKSURI }) { return resolved }
            let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
            let (_, body) = try await get(base + "/.well-known/openid-configuration")
            guard let document = try? JSONValue.parse(body, maxDepth: 8),
                  document["issuer"]?.stringValue == issuer,
                  let uri = document["jwks_uri"]?.stringValue
            else { throw JWTError(.jwksUnavailable, "the issuer's OpenID configuration is invalid") }
            state.withLock { $0.resolvedJWKSURI = uri }
            return uri
        }
    }

    /// GETs `uri` within the configured deadline and size limit; 200 only.
    private func get(_ uri: String) async throws(JWTError) -> (HTTPResponse, [UInt8]) {
        var fields = HTTPFields()
        fields[.accept] = "application/json"
        guard let request = HTTPRequest(method: .get, urlString: uri, headerFields: fields) else {
            throw JWTError(.jwksUnavailable, "the JWKS URL is invalid")
        }
        if !LoopbackHost.permitsPlainHTTP(request, allowInsecureHTTP: configuration.allowInsecureHTTP) {
            throw JWTError(.jwksUnavailable, "refusing to fetch keys over plain http from a non-loopback host (set allowInsecureHTTP)")
        }
        let transport = self.transport
        let timeout = configuration.fetchTimeout
        let limit = configuration.maxResponseBytes
        do {
            // Enforced here too, so a transport that ignores it cannot stall verification
            // beyond the contract's 5 s.
            let (response, body) = try await transport.send(request, body: nil, enforcingDeadline: timeout, maxResponseBytes: limit)
            guard response.status == .ok else {
                throw JWTError(.jwksUnavailable, "the JWKS endpoint answered \(response.status.code)")
            }
            guard body.count <= limit else { throw JWTError(.jwksUnavailable, "the JWKS response is too large") }
            return (response, body)
        } catch let error as JWTError {
            throw error
        } catch {
            throw JWTError(.jwksUnavailable, "the issuer's keys could not be fetched (\(HTTPTransportError.safeDescription(of: error)))")
        }
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
