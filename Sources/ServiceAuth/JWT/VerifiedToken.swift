public import Foundation

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
    public var claims: [String: JSONValue]
    /// The raw compact token. A credential: never log it.
    public var token: String

    /// Creates a verified token (normally only ``JWTVerifier`` does).
    public init(
        subject: String?, username: String?, clientId: String?, scopes: [String], groups: [String],
        issuer: String, expiresAt: Date, issuedAt: Date?, tokenUse: String?, keyID: String?,
        algorithm: JWTAlgorithm, claims: [String: JSONValue], token: String
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
        self.claims = claims
        self.token = token
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
            expiresAt: expiresAt
        )
    }
}
