public import Foundation
import ServiceAuthCore

extension ClientCredentialsTokenProvider {
    /// How a ``ClientCredentialsTokenProvider`` obtains and keeps its token.
    ///
    /// The defaults are the secure and Cognito-compatible choices: `client_secret_basic`,
    /// refresh ahead of expiry, a few bounded retries, short timeouts, and no plain-HTTP
    /// endpoint except on the loopback interface.
    public struct Configuration: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        /// How the client authenticates to the token endpoint (RFC 6749 §2.3.1).
        public enum AuthMethod: String, Sendable, Hashable, CaseIterable {
            /// HTTP Basic authentication with the form-url-encoded client id and secret
            /// (Cognito's default and the RFC's recommended method).
            case clientSecretBasic = "client_secret_basic"
            /// `client_id` and `client_secret` in the form-encoded request body.
            case clientSecretPost = "client_secret_post"
        }

        /// The absolute URL of the token endpoint, e.g.
        /// `https://my-domain.auth.us-east-1.amazoncognito.com/oauth2/token`.
        public var tokenEndpoint: URL
        /// The OAuth client id.
        public var clientId: String
        /// The OAuth client secret. Never logged; redacted from ``description``.
        public var clientSecret: String
        /// The scopes to request (sent space-separated in `scope`); empty means the issuer's
        /// default scopes for the client.
        public var scopes: [String]
        /// How the client authenticates to the token endpoint.
        public var authMethod: AuthMethod
        /// When to refresh ahead of expiry.
        public var refresh: RefreshPolicy
        /// How issuer failures are retried.
        public var retry: RetryPolicy
        /// The deadline of one request to the token endpoint.
        public var requestTimeout: Duration
        /// The largest token-endpoint response body accepted.
        public var maxResponseBytes: Int
        /// Whether a plain `http` endpoint on a host other than the loopback interface is
        /// allowed. Off by default: the client secret would cross the network in clear text.
        public var allowInsecureHTTP: Bool

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - tokenEndpoint: The absolute URL of the token endpoint.
        ///   - clientId: The OAuth client id.
        ///   - clientSecret: The OAuth client secret.
        ///   - scopes: The scopes to request; empty for the client's default scopes.
        ///   - authMethod: The client authentication method; `client_secret_basic` by default.
        ///   - refresh: The refresh-ahead policy.
        ///   - retry: The retry policy.
        ///   - requestTimeout: The deadline of one token request; 5 s by default.
        ///   - maxResponseBytes: The largest response body accepted; 64 KiB by default.
        ///   - allowInsecureHTTP: Allow `http` on non-loopback hosts; `false` by default.
        public init(
            tokenEndpoint: URL,
            clientId: String,
            clientSecret: String,
            scopes: [String] = [],
            authMethod: AuthMethod = .clientSecretBasic,
            refresh: RefreshPolicy = RefreshPolicy(),
            retry: RetryPolicy = RetryPolicy(),
            requestTimeout: Duration = .seconds(5),
            maxResponseBytes: Int = 64 * 1024,
            allowInsecureHTTP: Bool = false
        ) {
            self.tokenEndpoint = tokenEndpoint
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.scopes = scopes
            self.authMethod = authMethod
            self.refresh = refresh
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
            self.allowInsecureHTTP = allowInsecureHTTP
        }

        /// The token endpoint of an Amazon Cognito user pool domain with a Cognito prefix domain.
        ///
        /// - Parameters:
        ///   - domainPrefix: The domain prefix, e.g. `my-app`.
        ///   - region: The AWS region, e.g. `us-east-1`.
        /// - Returns: `https://{domainPrefix}.auth.{region}.amazoncognito.com/oauth2/token`.
        public static func cognitoTokenEndpoint(domainPrefix: String, region: String) -> String {
            "https://\(domainPrefix).auth.\(region).amazoncognito.com/oauth2/token"
        }

        /// A description with the client secret redacted.
        public var description: String {
            "ClientCredentials(endpoint: \(tokenEndpoint), clientId: \(clientId), scopes: \(scopes), "
                + "authMethod: \(authMethod.rawValue), clientSecret: <redacted>)"
        }

        /// A mirror without the client secret, so `dump` and debuggers do not print it.
        public var customMirror: Mirror {
            Mirror(
                self,
                children: [
                    "tokenEndpoint": tokenEndpoint.absoluteString, "clientId": clientId, "scopes": scopes,
                    "authMethod": authMethod, "clientSecret": "<redacted>",
                ]
            )
        }
    }

    /// When a cached token is refreshed ahead of its expiry.
    ///
    /// A token is refreshed in the background once less than ``lifetimeFraction`` of its lifetime
    /// *or* ``minimumRemaining`` is left, whichever comes first; callers keep getting the cached
    /// token meanwhile. The refresh point is never earlier than half the lifetime, so that very
    /// short-lived tokens are not refreshed continuously.
    public struct RefreshPolicy: Sendable, Hashable {
        /// Refresh when less than this fraction of the token's lifetime is left (0...1).
        public var lifetimeFraction: Double
        /// Refresh when less than this much time is left.
        public var minimumRemaining: Duration
        /// A token is treated as expired this long before its `expires_in` ends, so that a token
        /// handed out is still valid when the next hop checks it.
        public var expiryMargin: Duration

        /// Creates a policy.
        ///
        /// - Parameters:
        ///   - lifetimeFraction: The fraction of the lifetime; 0.2 by default.
        ///   - minimumRemaining: The remaining time; 60 s by default.
        ///   - expiryMargin: How early a token counts as expired; 5 s by default.
        public init(lifetimeFraction: Double = 0.2, minimumRemaining: Duration = .seconds(60), expiryMargin: Duration = .seconds(5)) {
            self.lifetimeFraction = lifetimeFraction
            self.minimumRemaining = minimumRemaining
            self.expiryMargin = expiryMargin
        }

        /// How long before expiry a token of `lifetime` seconds is refreshed.
        ///
        /// - Parameter lifetime: The token's lifetime (`expires_in`) in seconds.
        /// - Returns: Seconds before expiry at which to refresh.
        public func refreshLead(forLifetime lifetime: Double) -> Double {
            let fraction = Swift.min(Swift.max(lifetimeFraction, 0), 1)
            let lead = Swift.max(lifetime * fraction, minimumRemaining.timeInterval)
            return Swift.min(lead, lifetime / 2)
        }
    }

    /// How failed token requests are retried: exponential backoff with full jitter, bounded.
    ///
    /// Only failures that may go away are retried (transport errors, timeouts, `5xx`, `429`);
    /// OAuth errors such as `invalid_client` are final. After a fetch failed, callers that have
    /// no valid token get the same error for ``failureCooldown`` without a new request, so that
    /// many callers cannot turn an outage into a retry storm.
    public struct RetryPolicy: Sendable, Hashable {
        /// The most requests one fetch makes (1 means no retry).
        public var maxAttempts: Int
        /// The backoff before the second attempt.
        public var initialBackoff: Duration
        /// The largest backoff between two attempts.
        public var maxBackoff: Duration
        /// The factor by which the backoff grows per attempt.
        public var multiplier: Double
        /// How long a failure is remembered (and returned to callers without a valid token)
        /// before the next fetch may start.
        public var failureCooldown: Duration

        /// Creates a policy.
        ///
        /// - Parameters:
        ///   - maxAttempts: Requests per fetch; 3 by default.
        ///   - initialBackoff: The first backoff; 200 ms by default.
        ///   - maxBackoff: The backoff cap; 5 s by default.
        ///   - multiplier: The growth factor; 2 by default.
        ///   - failureCooldown: How long a failure is remembered; 2 s by default.
        public init(
            maxAttempts: Int = 3,
            initialBackoff: Duration = .milliseconds(200),
            maxBackoff: Duration = .seconds(5),
            multiplier: Double = 2,
            failureCooldown: Duration = .seconds(2)
        ) {
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.multiplier = multiplier
            self.failureCooldown = failureCooldown
        }

        /// The backoff after failed attempt number `attempt` (1-based), before jitter.
        ///
        /// - Parameter attempt: The attempt that failed.
        /// - Returns: `min(maxBackoff, initialBackoff × multiplier^(attempt-1))`, in seconds.
        public func backoffCeiling(afterAttempt attempt: Int) -> Double {
            let exponent = Double(Swift.max(attempt - 1, 0))
            let raw = initialBackoff.timeInterval * pow(Swift.max(multiplier, 1), exponent)
            return Swift.min(raw, maxBackoff.timeInterval)
        }
    }
}
