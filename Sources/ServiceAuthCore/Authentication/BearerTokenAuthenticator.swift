public import HTTPTypes

/// Identifies the caller by its `Authorization: Bearer <token>` header (RFC 6750 §2.1): a JWT
/// checked by ``JWTVerifier``, or any other ``BearerTokenVerifier`` (e.g. an STS delegation
/// token).
///
/// - no `Authorization` header, another scheme, or an empty `Bearer`: absent (the route's `401`
///   is then `missing_token` with a bare `Bearer` challenge);
/// - several `Authorization` headers or a credential that is not a `b64token`: `401 malformed`;
/// - a token the verifier refuses: `401` with `Bearer error="invalid_token"` and its code;
/// - a token bound to a client certificate (RFC 8705 `cnf.x5t#S256`) on a connection without
///   that certificate: `401 certificate_mismatch` — checked on every request, cached
///   verifications included, since the cache knows the token and not the connection;
/// - a valid token: the identity becomes ``AuthContext/caller``; a user's token also becomes
///   ``AuthContext/user``, with the raw token in ``AuthContext/userToken`` for propagation.
///
/// Scopes and groups are the route's ``AuthorizationPolicy``, not this type's concern.
public struct BearerTokenAuthenticator: Authenticator {
    /// The verifier.
    public let verifier: any BearerTokenVerifier

    /// Creates an authenticator.
    ///
    /// - Parameters:
    ///   - verifier: Verifies the token and returns its identity: a ``JWTVerifier``, or another
    ///     kind of bearer token's verifier.
    ///   - cachesVerifiedTokens: Whether to let the verifier cache verified tokens
    ///     (``BearerTokenVerifier/cachingVerifiedTokens()``; a JWT verifier without a cache
    ///     gets one), so a token's repeat requests skip the signature check.
    public init(verifier: any BearerTokenVerifier, cachesVerifiedTokens: Bool = true) {
        self.verifier = cachesVerifiedTokens ? verifier.cachingVerifiedTokens() : verifier
    }

    /// Verifies the bearer token, if the request carries one.
    public func authenticate(_ request: HTTPRequest, body: inout MessageBody, auth: inout AuthContext, context: RequestContext)
        async throws -> Bool
    {
        let token: String
        switch BearerToken.extract(from: request.headerFields) {
        case .missing, .noBearerCredential:
            return false
        case .malformed:
            throw AuthFailure(
                status: .unauthorized, code: "malformed", challenge: .bearerInvalidToken,
                message: "the request does not carry exactly one well-formed bearer token")
        case .token(let value):
            token = value
        }
        let identity: Identity
        do {
            identity = try await verifier.verifyIdentity(token)
        } catch let error as any AuthFailureConvertible {
            throw error
        } catch {
            throw AuthFailure(status: .unauthorized, code: "malformed", challenge: .bearerInvalidToken, message: "the token could not be verified")
        }
        // After the verifier (and its cache): a stolen bound token is refused however often
        // its rightful holder presented it before.
        try identity.verifyCertificateBinding(presented: context.peerCertificate)
        try auth.recordCaller(identity)
        if identity.kind == .user {
            guard auth.user == nil else {
                throw AuthFailure(status: .unauthorized, code: "malformed", challenge: .bearerInvalidToken, message: "the request carries two user tokens")
            }
            auth.user = identity
            auth.userToken = token
        }
        return true
    }

    /// `401 missing_token` with a bare `Bearer` challenge.
    public func unauthenticatedFailure(for request: HTTPRequest) -> AuthFailure? {
        AuthFailure(status: .unauthorized, code: "missing_token", challenge: .bearer, message: "the request has no bearer token")
    }
}
