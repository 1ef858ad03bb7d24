public import Foundation
import ServiceAuthCore

extension JWTVerifier {
    /// The Cognito `token_use` claim.
    public enum TokenUse: String, Sendable, Hashable, CaseIterable {
        /// An access token (`token_use: access`), checked against `client_id`.
        case access
        /// An id token (`token_use: id`), checked against `aud`.
        case id
    }

    /// Whom a token must be meant for. There is no default: a verifier that checks no
    /// audience accepts any token its issuer minted for any other service, so the choice must
    /// be written down — ``clientIds(_:)``, ``audiences(_:)``, both, or ``anyAudience``.
    public struct Audience: Sendable, Hashable {
        /// Accepted OAuth clients: `client_id` of access tokens, `aud` of id tokens.
        public var clientIds: [String]
        /// Accepted `aud` values.
        public var audiences: [String]
        /// Whether the audience is deliberately not checked.
        public var acceptsAny: Bool

        /// Tokens whose client (`client_id` of access tokens, `aud` of id tokens) is one of these.
        ///
        /// - Parameter clientIds: The accepted clients; an empty list accepts no token.
        public static func clientIds(_ clientIds: [String]) -> Audience {
            Audience(clientIds: clientIds, audiences: [], acceptsAny: false)
        }

        /// Tokens whose `aud` names one of these.
        ///
        /// - Parameter audiences: The accepted audiences; an empty list accepts no token.
        public static func audiences(_ audiences: [String]) -> Audience {
            Audience(clientIds: [], audiences: audiences, acceptsAny: false)
        }

        /// Tokens matching either a client id or an audience.
        ///
        /// - Parameters:
        ///   - clientIds: Accepted clients.
        ///   - audiences: Accepted `aud` values.
        public static func clientIdsOrAudiences(clientIds: [String], audiences: [String]) -> Audience {
            Audience(clientIds: clientIds, audiences: audiences, acceptsAny: false)
        }

        /// Any audience: only for tools that inspect tokens (`serviceauth verify
        /// --any-audience`) or services whose issuer mints tokens for them alone.
        public static let anyAudience = Audience(clientIds: [], audiences: [], acceptsAny: true)
    }

    /// What one issuer's tokens must satisfy. The defaults are the secure choice.
    public struct Configuration: Sendable {
        /// Accepted `iss` values (exact match). They share one key source.
        public var issuers: [String]
        /// Whom tokens must be meant for.
        public var audience: Audience
        /// Accepted `aud` values (see ``audience``). Setting it turns the audience check on.
        public var audiences: [String] {
            get { audience.audiences }
            set {
                audience.audiences = newValue
                audience.acceptsAny = false
            }
        }
        /// Accepted OAuth clients: `client_id` of access tokens, `aud` of id tokens (see
        /// ``audience``). Setting it turns the audience check on.
        public var clientIds: [String] {
            get { audience.clientIds }
            set {
                audience.clientIds = newValue
                audience.acceptsAny = false
            }
        }
        /// The required `token_use`, or `nil` to accept any (and tokens without it). Default
        /// `access`: resource servers take access tokens, never id tokens.
        public var tokenUse: TokenUse?
        /// Clock skew tolerated for `exp`, `nbf` and `iat`. Default zero.
        public var leeway: Duration
        /// The largest token accepted, in bytes. Default 16 384.
        public var maxTokenBytes: Int
        /// Algorithms accepted. Default RS256/384/512, ES256/384/512, PS256.
        public var allowedAlgorithms: Set<JWTAlgorithm>
        /// Whether tokens must name their key with `kid`. Default `true`; when `false`, a token
        /// without `kid` is checked with the only published key without `kid` that fits its `alg`.
        public var requireKeyID: Bool
        /// The longest accepted lifetime (`exp - iat`), or `nil` for no limit. When set, `iat`
        /// is required.
        public var maxLifetime: Duration?
        /// The required `typ` header (e.g. `at+jwt`), compared case-insensitively with an
        /// optional `application/` prefix (RFC 7515 §4.1.9); `nil` to not check it.
        public var expectedType: String?
        /// An extra check run on every accepted token (also on verified-token cache hits).
        public var customCheck: (@Sendable (VerifiedToken) throws(JWTError) -> Void)?

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - issuers: Accepted `iss` values.
        ///   - audience: Whom tokens must be meant for (required: see ``Audience``).
        ///   - tokenUse: Required `token_use` (default `access`; `nil` accepts any).
        ///   - leeway: Clock skew tolerance.
        ///   - maxTokenBytes: Token size limit.
        ///   - allowedAlgorithms: Algorithm allow-list.
        ///   - requireKeyID: Whether `kid` is required.
        ///   - maxLifetime: Longest accepted `exp - iat`.
        ///   - expectedType: Required `typ`.
        ///   - customCheck: An extra check.
        public init(
            issuers: [String],
            audience: Audience,
            tokenUse: TokenUse? = .access,
            leeway: Duration = .zero,
            maxTokenBytes: Int = 16_384,
            allowedAlgorithms: Set<JWTAlgorithm> = JWTAlgorithm.defaultAllowed,
            requireKeyID: Bool = true,
            maxLifetime: Duration? = nil,
            expectedType: String? = nil,
            customCheck: (@Sendable (VerifiedToken) throws(JWTError) -> Void)? = nil
        ) {
            self.issuers = issuers
            self.audience = audience
            self.tokenUse = tokenUse
            self.leeway = leeway
            self.maxTokenBytes = maxTokenBytes
            self.allowedAlgorithms = allowedAlgorithms
            self.requireKeyID = requireKeyID
            self.maxLifetime = maxLifetime
            self.expectedType = expectedType
            self.customCheck = customCheck
        }

        /// The conventional JWKS URL of the first issuer: `{issuer}/.well-known/jwks.json`.
        ///
        /// An issuer that is not a URL gives a URL no fetch accepts, so verification fails with
        /// `jwks_unavailable` rather than fetching something else.
        public var defaultJWKSURI: URL {
            let issuer = issuers.first ?? ""
            let text = (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/jwks.json"
            return URL(string: text) ?? URL(fileURLWithPath: "/not-an-issuer-url")
        }
    }

    /// One trusted issuer: what its tokens must satisfy and where its keys come from.
    public struct Issuer: Sendable {
        /// The rules.
        public var configuration: Configuration
        /// The key source.
        public var jwks: JWKSCache

        /// Creates an issuer entry.
        ///
        /// - Parameters:
        ///   - configuration: The rules for this issuer's tokens.
        ///   - jwks: Its keys.
        public init(configuration: Configuration, jwks: JWKSCache) {
            self.configuration = configuration
            self.jwks = jwks
        }
    }
}
