public import Foundation
import ServiceAuthCore

extension JWKSCache {
    /// Where the issuer publishes its keys.
    public enum Source: Sendable, Hashable {
        /// A JWKS document at this absolute URL, e.g. Cognito's `{issuer}/.well-known/jwks.json`.
        case jwksURI(URL)
        /// OpenID Connect discovery: `{issuer}/.well-known/openid-configuration` names the
        /// `jwks_uri`. The document's `issuer` must equal this one (OIDC Discovery §4.3).
        case discovery(issuer: String)
    }

    /// How the cache fetches and keeps keys. The defaults are the secure choice.
    public struct Configuration: Sendable {
        /// Where the keys come from.
        public var source: Source
        /// How long a `kid` that was still unknown after a refetch is answered `unknown_key`
        /// without another fetch. Default 10 s.
        public var unknownKeyCooldown: Duration
        /// The least time between two fetches caused by unknown `kid`s or stale keys, whatever
        /// the `kid`s: bounds the load a flood of junk `kid`s can put on the issuer, while a real
        /// new key is picked up within this interval. Default 1 s.
        public var minimumRefetchInterval: Duration
        /// How long a fetched JWKS is fresh when the response has no `Cache-Control: max-age`.
        /// Default 1 h.
        public var defaultMaxAge: Duration
        /// The largest `max-age` honoured. Default 24 h.
        public var maximumMaxAge: Duration
        /// How long keys may still be used after they stopped being fresh while the issuer
        /// cannot be reached (RFC 5861's `stale-if-error`). Past it, verification fails with
        /// `jwks_unavailable` rather than trusting keys the issuer may have revoked long ago.
        /// Default 24 h.
        public var maximumStaleness: Duration
        /// The largest JWKS document accepted. Default 64 KiB.
        public var maxResponseBytes: Int
        /// The most keys read from one document; further keys are ignored. Default 64.
        public var maxKeys: Int
        /// The deadline of one fetch. Default 5 s.
        public var fetchTimeout: Duration
        /// Whether keys (or the discovery document) may be fetched over plain `http` from a host
        /// other than the loopback interface. Off by default: anyone on the path could swap the
        /// keys and so mint any token.
        public var allowInsecureHTTP: Bool

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - source: Where the keys come from.
        ///   - unknownKeyCooldown: Negative-cache time of an unknown `kid`.
        ///   - minimumRefetchInterval: Global rate limit of miss-triggered fetches.
        ///   - defaultMaxAge: Freshness when the response gives no `max-age`.
        ///   - maximumMaxAge: Upper bound on an honoured `max-age`.
        ///   - maximumStaleness: How long stale keys stay usable during an outage.
        ///   - maxResponseBytes: Response size limit.
        ///   - maxKeys: Key count limit.
        ///   - fetchTimeout: Fetch deadline.
        ///   - allowInsecureHTTP: Allow plain `http` to non-loopback hosts (default `false`).
        public init(
            source: Source,
            unknownKeyCooldown: Duration = .seconds(10),
            minimumRefetchInterval: Duration = .seconds(1),
            defaultMaxAge: Duration = .seconds(3600),
            maximumMaxAge: Duration = .seconds(86_400),
            maximumStaleness: Duration = .seconds(86_400),
            maxResponseBytes: Int = 64 * 1024,
            maxKeys: Int = 64,
            fetchTimeout: Duration = .seconds(5),
            allowInsecureHTTP: Bool = false
        ) {
            self.source = source
            self.unknownKeyCooldown = unknownKeyCooldown
            self.minimumRefetchInterval = minimumRefetchInterval
            self.defaultMaxAge = defaultMaxAge
            self.maximumMaxAge = maximumMaxAge
            self.maximumStaleness = maximumStaleness
            self.maxResponseBytes = maxResponseBytes
            self.maxKeys = maxKeys
            self.fetchTimeout = fetchTimeout
            self.allowInsecureHTTP = allowInsecureHTTP
        }
    }
}
