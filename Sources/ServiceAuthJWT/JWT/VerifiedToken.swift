public import Foundation
public import ServiceAuthCore

/// A JWT whose signature, issuer, lifetime and audience were verified, with its claims typed.
///
/// It holds the raw token (``token``) so the service can propagate the user to the next hop;
/// the token is a credential — never log it.
public struct VerifiedToken: Sendable, Hashable {
    /// `sub`.
    public var subject: String?
    /// The user name (`username` in Cognito access tokens, `cognito:username` in id tokens);
    /// `nil` for client-credentials tokens.
    public var username: String?
    /// The OAuth client: `client_id`, or for id tokens the (single) `aud`.
    public var clientId: String?
    /// Scopes granted (`scope`, space-separated, or `scp`).
    public var scopes: [String]
    /// Groups (`cognito:groups`).
    public var groups: [String]
    /// `iss`.
    public var issuer: String
    /// `exp`.
    public var expiresAt: Date
    /// `iat`, when present.
    public var issuedAt: Date?
    /// Cognito's `token_use` (`access` or `id`), when present.
    public var tokenUse: String?
    /// The `kid` of the key that verified the signature.
    public var keyID: String?
    /// The signature algorithm.
    public var algorithm: JWTAlgorithm
    /// All claims of the payload.
    ///
    /// Decoded on access, not during verification: most callers read only the typed
    /// properties, and building (then freeing) a dictionary of every claim was a measurable
    /// share of each verification. Read it once and keep the result if you need it often.
    public var claims: [String: JSONValue] {
        get {
            switch claimStorage {
            case .decoded(let claims):
                return claims
            case .encoded(let payload):
                // The payload was validated as a strict JSON object at this depth before the
                // token was accepted, so this parse cannot fail; `[:]` only keeps it total.
                guard case .object(let claims)? = try? JSONValue.parse(payload, maxDepth: CompactJWS.maxPayloadDepth) else {
                    return [:]
                }
                return claims
            }
        }
        set { claimStorage = .decoded(newValue) }
    }
    /// The raw compact token. A credential: never log it.
    public var token: String
    /// The certificate the token is bound to (RFC 8705 `cnf.x5t#S256`), if any: the token is
    /// valid only over a connection authenticated with that certificate. ``JWTVerifier`` reads
    /// it; ``BearerTokenAuthenticator`` checks it against the connection — code that calls
    /// ``JWTVerifier/verify(_:)`` itself must call ``ServiceAuthCore/Identity/verifyCertificateBinding(presented:)``.
    public var boundCertificateThumbprint: String?
    /// The claims, as given or as the verified payload's bytes (see ``claims``).
    private var claimStorage: ClaimStorage

    /// Where ``claims`` comes from. Immutable values only: the lazy decode caches nothing, so
    /// the token stays a plain `Sendable` value with no shared mutable state.
    private enum ClaimStorage: Sendable {
        case decoded([String: JSONValue])
        case encoded([UInt8])
    }

    /// Creates a verified token (normally only ``JWTVerifier`` does); `boundCertificateThumbprint`
    /// is its `cnf.x5t#S256`, if any.
    public init(
        subject: String?, username: String?, clientId: String?, scopes: [String], groups: [String],
        issuer: String, expiresAt: Date, issuedAt: Date?, tokenUse: String?, keyID: String?,
        algorithm: JWTAlgorithm, claims: [String: JSONValue], token: String, boundCertificateThumbprint: String? = nil
    ) {
        self.init(
            subject: subject, username: username, clientId: clientId, scopes: scopes, groups: groups, issuer: issuer,
            expiresAt: expiresAt, issuedAt: issuedAt, tokenUse: tokenUse, keyID: keyID, algorithm: algorithm,
            claimStorage: .decoded(claims), token: token, boundCertificateThumbprint: boundCertificateThumbprint)
    }

    /// Creates a verified token whose ``claims`` are decoded from `payload` on access.
    ///
    /// - Parameter payload: The token's decoded payload, already validated as a strict JSON
    ///   object no deeper than `CompactJWS.maxPayloadDepth`.
    init(
        subject: String?, username: String?, clientId: String?, scopes: [String], groups: [String],
        issuer: String, expiresAt: Date, issuedAt: Date?, tokenUse: String?, keyID: String?,
        algorithm: JWTAlgorithm, payload: [UInt8], token: String, boundCertificateThumbprint: String?
    ) {
        self.init(
            subject: subject, username: username, clientId: clientId, scopes: scopes, groups: groups, issuer: issuer,
            expiresAt: expiresAt, issuedAt: issuedAt, tokenUse: tokenUse, keyID: keyID, algorithm: algorithm,
            claimStorage: .encoded(payload), token: token, boundCertificateThumbprint: boundCertificateThumbprint)
    }

    private init(
        subject: String?, username: String?, clientId: String?, scopes: [String], groups: [String],
        issuer: String, expiresAt: Date, issuedAt: Date?, tokenUse: String?, keyID: String?,
        algorithm: JWTAlgorithm, claimStorage: ClaimStorage, token: String, boundCertificateThumbprint: String?
    ) {
        self.subject = subject
        self.username = username
        self.clientId = clientId
        self.scopes = scopes
        self.groups = groups
        self.issuer = issuer
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.tokenUse = tokenUse
        self.keyID = keyID
        self.algorithm = algorithm
        self.claimStorage = claimStorage
        self.token = token
        self.boundCertificateThumbprint = boundCertificateThumbprint
    }

    /// Equal when every property, ``claims`` included, is equal — however the claims are held.
    public static func == (lhs: VerifiedToken, rhs: VerifiedToken) -> Bool {
        lhs.token == rhs.token && lhs.subject == rhs.subject && lhs.username == rhs.username
            && lhs.clientId == rhs.clientId && lhs.scopes == rhs.scopes && lhs.groups == rhs.groups
            && lhs.issuer == rhs.issuer && lhs.expiresAt == rhs.expiresAt && lhs.issuedAt == rhs.issuedAt
            && lhs.tokenUse == rhs.tokenUse && lhs.keyID == rhs.keyID && lhs.algorithm == rhs.algorithm
            && lhs.boundCertificateThumbprint == rhs.boundCertificateThumbprint && lhs.claims == rhs.claims
    }

    /// Hashes every property but ``claims`` (equal tokens still hash equally; decoding the
    /// claims just to hash them would cost more than it spreads).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(token)
        hasher.combine(subject)
        hasher.combine(username)
        hasher.combine(clientId)
        hasher.combine(scopes)
        hasher.combine(groups)
        hasher.combine(issuer)
        hasher.combine(expiresAt)
        hasher.combine(issuedAt)
        hasher.combine(tokenUse)
        hasher.combine(keyID)
        hasher.combine(algorithm)
        hasher.combine(boundCertificateThumbprint)
    }

    /// Whether the token names an end user: it carries a user name or is an id token.
    /// A client-credentials access token (no user) names a service.
    public var isUserToken: Bool { username != nil || tokenUse == "id" }

    /// The identity the token proves: ``Identity/Kind/user`` for a user's token,
    /// ``Identity/Kind/service`` for a client-credentials token.
    public var identity: Identity {
        Identity(
            kind: isUserToken ? .user : .service,
            subject: subject,
            username: username,
            clientId: clientId,
            scopes: scopes,
            groups: groups,
            issuer: issuer,
            expiresAt: expiresAt,
            boundCertificateThumbprint: boundCertificateThumbprint
        )
    }
}
