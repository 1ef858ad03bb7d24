public import Foundation

/// A verified identity: who a credential proved the caller (or the end user) to be.
///
/// Every authentication mechanism of the package produces this one shape, so handlers and
/// policy never depend on *how* a caller was verified:
/// - a Cognito/OIDC access token issued to a user, or an id token, gives a ``Kind/user``;
/// - a client-credentials access token (no user in it) gives a ``Kind/service``;
/// - an AWS SigV4 signature gives a ``Kind/role`` whose ``principal`` is an IAM ARN;
/// - a client certificate verified by the TLS handshake (mutual TLS) gives a ``Kind/workload``
///   whose ``principal`` is its SPIFFE ID.
public struct Identity: Sendable, Hashable {
    /// What kind of principal the identity names.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An end user (a token with a username).
        case user
        /// A machine client authenticated with its own OAuth token (client credentials).
        case service
        /// An IAM principal authenticated with an AWS SigV4 signature.
        case role
        /// A workload authenticated by its client certificate (mutual TLS), named by its SPIFFE
        /// ID (``MutualTLSAuthenticator``).
        case workload
    }

    /// The kind of principal.
    public var kind: Kind
    /// The `sub` claim of a token, or the access key id for SigV4.
    public var subject: String?
    /// The user name (`username` or `cognito:username`), for user identities.
    public var username: String?
    /// The OAuth client the token was issued to (`client_id`, or `aud` of an id token).
    public var clientId: String?
    /// The IAM principal ARN (`arn:aws:iam::…:role/NAME`, `arn:aws:sts::…:assumed-role/…`).
    public var principal: String?
    /// OAuth scopes granted to the token.
    public var scopes: [String]
    /// Groups the user belongs to (`cognito:groups`).
    public var groups: [String]
    /// The issuer that vouched for the identity (`iss`), when there is one.
    public var issuer: String?
    /// When the credential that proved this identity stops being valid.
    public var expiresAt: Date?
    /// The certificate the credential is bound to (RFC 8705 §3.1, `cnf.x5t#S256`): the
    /// base64url SHA-256 of the client certificate's DER. A token carrying it proves nothing
    /// unless it arrives over a connection authenticated with that very certificate, so a
    /// stolen token cannot be replayed from elsewhere (``BearerTokenAuthenticator`` checks it).
    public var boundCertificateThumbprint: String?

    /// Creates an identity.
    public init(
        kind: Kind,
        subject: String? = nil,
        username: String? = nil,
        clientId: String? = nil,
        principal: String? = nil,
        scopes: [String] = [],
        groups: [String] = [],
        issuer: String? = nil,
        expiresAt: Date? = nil,
        boundCertificateThumbprint: String? = nil
    ) {
        self.kind = kind
        self.subject = subject
        self.username = username
        self.clientId = clientId
        self.principal = principal
        self.scopes = scopes
        self.groups = groups
        self.issuer = issuer
        self.expiresAt = expiresAt
        self.boundCertificateThumbprint = boundCertificateThumbprint
    }

    /// A short human-readable name: the username, the client id, the principal or the subject.
    public var displayName: String {
        username ?? principal ?? clientId ?? subject ?? "anonymous"
    }

    /// Whether every scope in `required` was granted.
    public func hasScopes(_ required: some Sequence<String>) -> Bool {
        let granted = Set(scopes)
        return required.allSatisfy(granted.contains)
    }
}
