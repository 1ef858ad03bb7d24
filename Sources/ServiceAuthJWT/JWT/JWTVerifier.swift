public import Foundation
import Crypto
public import ServiceAuthCore

/// Verifies bearer JWTs (Cognito and OpenID Connect access and id tokens) against the public
/// keys of one or more trusted issuers.
///
/// The path of a token, cheapest checks first and no actor hop: size limit → one split and
/// decode of the compact JWS → `alg` and `crit` rules → the `iss` selects the issuer's rules
/// (an unknown issuer fails before any key is used or fetched) → the key is chosen by `kid`
/// only, never a default key, never one named in the token (`jku`, `x5u`, `jwk` and `x5c` are
/// ignored) → signature over the original bytes → lifetime, `token_use`, audience, scopes,
/// groups, custom check.
///
/// ```swift
/// let verifier = JWTVerifier.cognito(region: "eu-west-1", userPoolId: "eu-west-1_abc",
///                                    clientIds: ["client"], tokenUse: .access, transport: transport)
/// let token = try await verifier.verify(bearer)
/// ```
public struct JWTVerifier: Sendable, BearerTokenVerifier {
    /// The trusted issuers.
    public let issuers: [Issuer]
    /// The verified-token cache, if any.
    public let tokenCache: VerifiedTokenCache?
    private let issuerIndex: [String: Int]
    private let largestTokenBytes: Int
    private let now: @Sendable () -> Date
    /// Identifies this verifier's rules in a shared ``VerifiedTokenCache``.
    private let cacheOwner: CacheOwner
    private let metrics: JWTMetrics

    final class CacheOwner: Sendable {}

    /// Creates a verifier trusting several issuers; each token's `iss` selects its rules.
    ///
    /// - Parameters:
    ///   - issuers: The trusted issuers. If two list the same `iss`, the first wins.
    ///   - tokenCache: A cache of verified tokens, or `nil` to verify every token in full.
    ///   - now: The clock for time rules; injectable for tests.
    public init(issuers: [Issuer], tokenCache: VerifiedTokenCache? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.issuers = issuers
        self.tokenCache = tokenCache
        self.now = now
        var index: [String: Int] = [:]
        for (position, issuer) in issuers.enumerated() {
            for iss in issuer.configuration.issuers where index[iss] == nil { index[iss] = position }
        }
        issuerIndex = index
        largestTokenBytes = issuers.map(\.configuration.maxTokenBytes).max() ?? 0
        cacheOwner = CacheOwner()
        metrics = JWTMetrics()
    }

    /// Creates a verifier for one issuer configuration and its key source.
    ///
    /// - Parameters:
    ///   - configuration: The rules.
    ///   - jwks: The issuer's keys.
    ///   - tokenCache: A cache of verified tokens, or `nil`.
    ///   - now: The clock.
    public init(
        configuration: Configuration,
        jwks: JWKSCache,
        tokenCache: VerifiedTokenCache? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(issuers: [Issuer(configuration: configuration, jwks: jwks)], tokenCache: tokenCache, now: now)
    }

    /// Creates a verifier whose keys come from `{issuer}/.well-known/jwks.json` or `jwksURI`.
    ///
    /// - Parameters:
    ///   - configuration: The rules.
    ///   - jwksURI: The JWKS URL; `nil` for the first issuer's conventional one.
    ///   - transport: The HTTP transport used to fetch keys.
    ///   - tokenCache: A cache of verified tokens, or `nil`.
    ///   - now: The clock.
    public init(
        configuration: Configuration,
        jwksURI: URL? = nil,
        transport: any HTTPTransport,
        tokenCache: VerifiedTokenCache? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let jwks = JWKSCache(jwksURI: jwksURI ?? configuration.defaultJWKSURI, transport: transport, now: now)
        self.init(configuration: configuration, jwks: jwks, tokenCache: tokenCache, now: now)
    }

    /// The same verifier with a different verified-token cache.
    ///
    /// - Parameter cache: The cache, or `nil` for none.
    /// - Returns: A verifier sharing the issuers and key caches.
    public func withTokenCache(_ cache: VerifiedTokenCache?) -> JWTVerifier {
        JWTVerifier(issuers: issuers, tokenCache: cache, now: now)
    }

    /// The key caches of all issuers (for hydration, refreshers and readiness).
    public var keySources: [JWKSCache] { issuers.map(\.jwks) }

    /// Whether every issuer's keys are loaded.
    public var isReady: Bool { issuers.allSatisfy { $0.jwks.isReady } }

    /// A background service refreshing every issuer's keys.
    ///
    /// - Parameter interval: The time between refreshes.
    /// - Returns: A swift-service-lifecycle `Service`.
    public func keyRefresher(interval: Duration = .seconds(300)) -> JWKSRefresher {
        JWKSRefresher(caches: keySources, interval: interval)
    }

    /// Loads every issuer's keys.
    ///
    /// - Throws: ``JWTError`` `jwks_unavailable` when an issuer's keys cannot be loaded.
    public func hydrate() async throws(JWTError) {
        for issuer in issuers { try await issuer.jwks.hydrate() }
    }

    /// Verifies `token` and returns the identity it proves.
    ///
    /// - Parameter token: The compact JWT, without the `Bearer ` prefix.
    /// - Returns: The token's identity (``VerifiedToken/identity``).
    /// - Throws: ``JWTError``.
    public func verifyIdentity(_ token: String) async throws -> Identity {
        try await verify(token).identity
    }

    /// This verifier, given a ``VerifiedTokenCache`` when it has none.
    ///
    /// - Returns: The caching verifier.
    public func cachingVerifiedTokens() -> any BearerTokenVerifier {
        tokenCache == nil ? withTokenCache(VerifiedTokenCache()) : self
    }

    /// Verifies `token`.
    ///
    /// - Parameter token: The compact JWT, without the `Bearer ` prefix.
    /// - Returns: The verified token.
    /// - Throws: ``JWTError`` with a stable code; its message never contains the token.
    public func verify(_ token: String) async throws(JWTError) -> VerifiedToken {
        do {
            let verified = try await verifyUncounted(token)
            metrics.verified.increment()
            return verified
        } catch {
            metrics.recordFailure(error.code)
            throw error
        }
    }

    private func verifyUncounted(_ token: String) async throws(JWTError) -> VerifiedToken {
        let size = token.utf8.count
        guard size > 0 else { throw .malformed("the token is empty") }
        guard size <= largestTokenBytes else { throw .malformed("the token is larger than \(largestTokenBytes) bytes") }
        let date = now()

        var cacheKey: TokenCacheKey?
        if let tokenCache {
            let key = TokenCacheKey(token)
            cacheKey = key
            if let cached = tokenCache.lookup(token, key: key, owner: ObjectIdentifier(cacheOwner), at: date) {
                let issuer = issuers[cached.issuerPosition]
                // Valid only while the key that verified it is still published: certainly so
                // while the key set is unchanged, else look the key up again.
                let stillPublished = issuer.jwks.keySetGeneration == cached.keyGeneration
                    || cached.token.keyID.flatMap { issuer.jwks.cachedKey($0) }?.fingerprint == cached.keyFingerprint
                // Keys too stale to use (issuer unreachable for too long) revoke cached
                // verifications too.
                if stillPublished, issuer.jwks.keysUsable(at: date) {
                    try issuer.configuration.customCheck?(cached.token)
                    metrics.cacheHits.increment()
                    return cached.token
                }
                tokenCache.remove(key)
            }
        }

        let jws = try CompactJWS(token)
        let algorithm = try Self.algorithm(of: jws.header)
        guard !jws.signature.isEmpty else { throw .malformed("the token has an empty signature") }
        try Self.checkCritical(jws.header)

        // The issuer selects the rules and the keys before any key is used.
        guard let iss = jws.payload[.iss] else { throw JWTError(.wrongIssuer, "the token has no iss claim") }
        guard let issText = iss.stringValue else { throw .malformed("the iss claim is not a string") }
        guard let position = issuerIndex[issText] else { throw JWTError(.wrongIssuer, "the token's issuer is not trusted") }
        let issuer = issuers[position]
        let configuration = issuer.configuration
        guard size <= configuration.maxTokenBytes else {
            throw .malformed("the token is larger than \(configuration.maxTokenBytes) bytes")
        }
        guard configuration.allowedAlgorithms.contains(algorithm) else {
            throw JWTError(.unsupportedAlgorithm, "the algorithm \(algorithm) is not allowed")
        }
        if let expectedType = configuration.expectedType {
            try Self.checkType(jws.header, expected: expectedType)
        }

        // Read before the key: if the key set changes meanwhile, cached hits re-check the key.
        let keyGeneration = issuer.jwks.keySetGeneration
        let key: JWKSKey
        switch jws.header[.kid] {
        case .string(let kid)?:
            key = try await issuer.jwks.key(for: kid)
        case nil:
            guard !configuration.requireKeyID else { throw .malformed("the token has no kid header") }
            key = try await issuer.jwks.soleUnnamedKey(for: algorithm)
        default:
            throw .malformed("the kid header is not a string")
        }
        guard key.accepts(algorithm) else {
            throw JWTError(.unsupportedAlgorithm, "the token's algorithm does not match its key")
        }
        guard jws.withSigningInput({ key.isValidSignature(jws.signature, signingInput: $0, algorithm: algorithm) }) else {
            throw JWTError(.badSignature, "the signature does not verify")
        }

        let verified = try ClaimRules(configuration: configuration, claims: jws.payload, payload: jws.payloadBytes, now: date)
            .verify(issuer: issText, keyID: key.keyID, algorithm: algorithm, token: token)
        try configuration.customCheck?(verified)
        if let tokenCache, let cacheKey {
            tokenCache.insert(
                cacheKey, token: verified, keyFingerprint: key.fingerprint, keyGeneration: keyGeneration,
                owner: ObjectIdentifier(cacheOwner), issuerPosition: position, at: date
            )
        }
        return verified
    }

    /// The token's `alg`, if it is one we implement; `none` (any spelling) and HMAC never are.
    private static func algorithm(of header: SelectedMembers<HeaderParameter>) throws(JWTError) -> JWTAlgorithm {
        guard let value = header[.alg] else { throw .malformed("the header has no alg") }
        guard let name = value.stringValue else { throw .malformed("the alg header is not a string") }
        guard let algorithm = JWTAlgorithm(rawValue: name) else {
            throw JWTError(.unsupportedAlgorithm, "the algorithm is not supported")
        }
        return algorithm
    }

    /// RFC 7515 §4.1.11: a recipient must reject a token whose `crit` lists an extension it
    /// does not understand. This verifier understands none, so any `crit` is rejected.
    private static func checkCritical(_ header: SelectedMembers<HeaderParameter>) throws(JWTError) {
        if header[.crit] != nil { throw .malformed("the token has critical header parameters this verifier does not understand") }
    }

    private static func checkType(_ header: SelectedMembers<HeaderParameter>, expected: String) throws(JWTError) {
        func normalized(_ value: String) -> String {
            let lower = value.lowercased()
            return lower.hasPrefix("application/") ? String(lower.dropFirst("application/".count)) : lower
        }
        guard let typ = header[.typ]?.stringValue, normalized(typ) == normalized(expected) else {
            throw .malformed("the token's typ is not \(expected)")
        }
    }
}
