public import Foundation
import HTTPTypes
public import Logging
public import Prometheus
public import ServiceAuth
import Crypto
import Synchronization

/// A local identity provider that speaks Amazon Cognito's and AWS STS's wire protocols, so
/// that real AWS clients and this package's verifiers can run against it on one machine with
/// no AWS account. The same service code points at real Cognito and STS in production.
///
/// Endpoints (see `CONTRACT.md`):
/// - `GET /{userPoolId}/.well-known/jwks.json` and `…/openid-configuration`;
/// - `POST /oauth2/token`, `grant_type=client_credentials` (`client_secret_basic` or `_post`);
/// - `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth`
///   (`USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`);
/// - `POST /` (or `GET /?…` for presigned URLs) STS query API, SigV4-signed:
///   `AssumeRole`, `GetCallerIdentity`;
/// - `GET /healthz`, `GET /metrics` (Prometheus text, this issuer's own registry);
/// - administration, only with ``Options/adminToken`` and then only for a caller presenting
///   it as `Authorization: Bearer TOKEN`: `POST /local/rotate-keys` and
///   `GET /local/sts-session-key`. Without a token the `/local/*` routes do not exist (404):
///   no unauthenticated route serves key material or changes state.
///
/// ## Trust model of temporary credentials
/// `AssumeRole` returns an `ASIA…` access key id, a random secret and a session token that is
/// those credentials sealed with AES-256-GCM by ``sessionTokenSealer`` (see
/// `SessionTokenSealer`), together with their issue time and expiry. Any service given the
/// sealing key (``exportedSessionKey``, written to an owner-only file by
/// ``writeSessionKey(toFile:)`` — `serviceauth idp --session-key-file` — or handed over
/// in-process) verifies SigV4 requests signed with such credentials *offline*: it opens the
/// token, checks the access key id matches, that the session's lifetime is one STS could have
/// granted and the expiry has not passed, and checks the signature with the sealed secret. The
/// issuer keeps no session table, so restarts with a new key invalidate all sessions at once.
/// Whoever holds the key can mint credentials for any role: keep it as secret as a signing key.
///
/// Run it in-process with any HTTP server through ``router()`` or ``respond(to:body:)``, or as a
/// service with ``LocalIssuerService``.
public final class LocalIssuer: Sendable {
    /// Settings besides the pool configuration.
    public struct Options: Sendable {
        /// The base URL the issuer is reached at (`http://127.0.0.1:9000`); `iss` is
        /// `{issuerBase}/{userPoolId}` unless the configuration overrides `issuer`. When `nil`,
        /// it is set by ``LocalIssuerService`` once the port is known, or taken from a request's
        /// `Host` header until then.
        public var issuerBase: String?
        /// The largest request body accepted (default 64 KiB); larger gets each API's error.
        public var maxBodyBytes: Int
        /// The bearer token of the administrative routes (`POST /local/rotate-keys`,
        /// `GET /local/sts-session-key`). `nil` (the default): those routes do not exist. Compared
        /// in constant time, never logged; at least ``minimumAdminTokenLength`` characters.
        public var adminToken: String?
        /// The clock (injected in tests).
        public var now: @Sendable () -> Date
        /// The logger; label `serviceauth.idp`.
        public var logger: Logger

        /// The shortest admin token accepted: a guessable token would turn the routes it guards
        /// into open ones.
        public static let minimumAdminTokenLength = 16

        /// Creates options.
        ///
        /// - Parameters:
        ///   - issuerBase: The base URL, if known.
        ///   - maxBodyBytes: The largest request body accepted.
        ///   - adminToken: The administrative routes' bearer token; `nil` disables them.
        ///   - now: The clock.
        ///   - logger: The logger.
        public init(
            issuerBase: String? = nil,
            maxBodyBytes: Int = 64 * 1024,
            adminToken: String? = nil,
            now: @escaping @Sendable () -> Date = { Date() },
            logger: Logger = Logger(label: "serviceauth.idp")
        ) {
            self.issuerBase = issuerBase
            self.maxBodyBytes = maxBodyBytes
            self.adminToken = adminToken
            self.now = now
            self.logger = logger
        }
    }

    struct State: Sendable {
        var keys: SigningKeyRing
        var issuerBase: String?
    }

    /// The validated configuration.
    public let configuration: IdPConfiguration
    /// The key that seals temporary credentials into session tokens.
    public let sessionTokenSealer: SessionTokenSealer
    /// The issuer's own Prometheus registry, served at `/metrics`.
    public let metricsRegistry: PrometheusCollectorRegistry

    let options: Options
    let metrics: IssuerMetrics
    let state: Mutex<State>
    /// Seals refresh tokens (they are opaque to clients, as Cognito's are).
    let refreshTokenKey: SymmetricKey
    let stsAuthenticator: any STSCallerAuthenticating
    let clientsById: [String: IdPConfiguration.Client]
    let usersByName: [String: IdPConfiguration.User]

    /// Creates an issuer.
    ///
    /// - Parameters:
    ///   - configuration: The pool, clients, users, IAM users and roles; validated here.
    ///   - sessionTokenSealer: The sealing key for temporary credentials (default: random).
    ///   - options: Base URL, limits, clock and logger.
    ///   - signingKey: The key that signs tokens until the first rotation (default: a new
    ///     RSA-2048 key, which takes a noticeable fraction of a second to generate).
    /// - Throws: ``IdPConfigurationError`` for an invalid configuration or admin token (key
    ///   `adminToken`), or a key-generation error.
    public init(
        configuration: IdPConfiguration = .demo,
        sessionTokenSealer: SessionTokenSealer = .random(),
        options: Options = Options(),
        signingKey: JWTSigner? = nil
    ) throws {
        try configuration.validate()
        if let token = options.adminToken { try Self.validateAdminToken(token) }
        self.configuration = configuration
        self.sessionTokenSealer = sessionTokenSealer
        self.options = options
        let registry = PrometheusCollectorRegistry()
        metricsRegistry = registry
        metrics = IssuerMetrics(registry: registry, configuration: configuration)
        state = Mutex(State(keys: SigningKeyRing(active: try signingKey ?? SigningKeyRing.generateKey()), issuerBase: options.issuerBase.map(Self.trimmedBase)))
        refreshTokenKey = SymmetricKey(size: .bits256)
        clientsById = Dictionary(configuration.clients.map { ($0.clientId, $0) }, uniquingKeysWith: { first, _ in first })
        usersByName = Dictionary(configuration.users.map { ($0.username, $0) }, uniquingKeysWith: { first, _ in first })
        stsAuthenticator = SigV4STSAuthenticator(configuration: configuration, sealer: sessionTokenSealer, now: options.now)
    }

    /// The session-token key, base64, for services that accept this issuer's temporary credentials.
    public var exportedSessionKey: String { sessionTokenSealer.exportedKey }

    /// The base URL in effect, if known.
    public var issuerBase: String? { state.withLock { $0.issuerBase } }

    /// Sets the base URL (e.g. once the listening port is known).
    ///
    /// - Parameter base: `http://HOST:PORT`, without a trailing slash.
    public func setIssuerBase(_ base: String) {
        state.withLock { $0.issuerBase = Self.trimmedBase(base) }
    }

    /// The `iss` claim of issued tokens, if the base URL is known.
    public var issuer: String? {
        if let override = configuration.issuer { return override }
        return issuerBase.map { "\($0)/\(configuration.userPoolId)" }
    }

    /// The `kid` of the key signing new tokens.
    public var activeKeyID: String { state.withLock { $0.keys.active.keyID } }

    /// The JWKS document, `{"keys":[…]}`: the active key and retired keys still needed.
    public var jwks: [String: [[String: String]]] {
        let now = options.now()
        let keys = state.withLock { state -> [JWTSigner] in
            state.keys.prune(now: now)
            return state.keys.publishedKeys(now: now)
        }
        return ["keys": keys.map(\.publicJWK)]
    }

    /// Rotates the signing key: a new key signs from now on; the previous one stays in the JWKS
    /// until every token it could have signed has expired (the longest token lifetime of any
    /// client, plus five minutes for verifiers' clock skew).
    ///
    /// At most three retired keys stay published (`SigningKeyRing.maxRetiredKeys`), so the
    /// JWKS never outgrows verifiers' limits; a fourth rotation within a token lifetime drops
    /// the oldest retired key, and tokens it signed stop verifying before their `exp`.
    ///
    /// - Returns: The new key's `kid`.
    /// - Throws: A key-generation error.
    @discardableResult
    public func rotateKeys() throws -> String {
        let next = try SigningKeyRing.generateKey()
        let longest = configuration.clients.map(\.effectiveAccessTokenLifetime).max() ?? 3600
        let until = options.now().addingTimeInterval(TimeInterval(longest + 300))
        let dropped = state.withLock { $0.keys.rotate(to: next, retireOldUntil: until) }
        metrics.keyRotation()
        options.logger.info("rotated signing key", metadata: ["kid": "\(next.keyID)"])
        if dropped > 0 {
            options.logger.warning("dropped the oldest retired signing key before its tokens expired", metadata: ["dropped": "\(dropped)"])
        }
        return next.keyID
    }

    /// The active signer.
    var signer: JWTSigner { state.withLock { $0.keys.active } }

    /// `iss` for a request: the configured or known base, else the request's `Host`.
    func issuer(for request: HTTPRequest) -> String {
        if let issuer { return issuer }
        return "\(baseURL(for: request))/\(configuration.userPoolId)"
    }

    /// The base URL for links in responses.
    func baseURL(for request: HTTPRequest) -> String {
        if let base = issuerBase { return base }
        let host = request.authority ?? "127.0.0.1"
        let safeHost = host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }) ? host : "127.0.0.1"
        return "http://\(safeHost)"
    }

    static func trimmedBase(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func newRequestId() -> String { UUID().uuidString.lowercased() }
}
