public import HTTPTypes

/// Identifies the end user from the token the calling service propagated
/// (`X-Forwarded-Authorization: Bearer <token>`, see ``UserTokenPropagationMiddleware``) and
/// records the user beside the caller: ``AuthContext/user`` and ``AuthContext/userToken``.
///
/// A handler then sees both "who called me" (``AuthContext/caller``, from the bearer or SigV4
/// authenticator) and "on whose behalf" (``AuthContext/user``), each verified independently:
/// this service does not take the caller's word for the user.
///
/// - A valid token: the user is recorded (it must be a ``Identity/Kind/user`` identity; a
///   service token forwarded as a user is refused with `wrong_token_use`).
/// - An invalid token: `401` with the verifier's code (`expired`, `bad_signature`, ...).
/// - A header that is not exactly one `Bearer <token>`: `401 malformed`.
/// - A propagated user on a request whose caller is itself a user: `401 malformed` (two users).
/// - No header: absent; or `401 missing_token` when ``required`` is set.
/// - No caller proved yet: absent (the header is not read); the route's `401` is the caller
///   mechanism's.
///
/// It never identifies a caller on its own: put it after the caller's authenticator.
public struct PropagatedUserAuthenticator: Authenticator {
    /// Verifies the propagated token (typically a `JWTVerifier` for the user pool).
    public let verifier: any BearerTokenVerifier
    /// The header that carries the token.
    public let headerName: HTTPField.Name
    /// Whether a request without a propagated user is refused.
    public let required: Bool

    /// Creates the authenticator.
    ///
    /// - Parameters:
    ///   - verifier: Verifies the propagated token.
    ///   - headerName: The header; `X-Forwarded-Authorization` by default.
    ///   - required: Refuse requests without a propagated user; `false` by default.
    public init(
        verifier: any BearerTokenVerifier,
        headerName: HTTPField.Name = UserTokenPropagationMiddleware.defaultHeaderName,
        required: Bool = false
    ) {
        self.verifier = verifier
        self.headerName = headerName
        self.required = required
    }

    /// Verifies the propagated user token, if one was sent.
    public func authenticate(_ request: HTTPRequest, body: inout MessageBody, auth: inout AuthContext, context: RequestContext)
        async throws -> Bool
    {
        // Who calls comes first: without a proved caller the forwarded token is not even read,
        // so the route answers the caller mechanism's own 401 and anonymous requests cannot
        // make this service verify tokens (or fetch keys) for them.
        guard auth.caller != nil else { return false }
        let token: String
        switch BearerToken.extract(from: request.headerFields, name: headerName) {
        case .missing:
            guard !required else {
                throw AuthFailure(status: .unauthorized, code: "missing_token", challenge: .bearer, message: "no propagated user token was sent")
            }
            return false
        case .malformed, .noBearerCredential:
            throw Self.invalid("malformed", "the propagated user token header is not a single Bearer token")
        case .token(let value):
            token = value
        }
        guard auth.user == nil else {
            throw Self.invalid("malformed", "the caller is a user and cannot propagate another one")
        }
        let user: Identity
        do {
            user = try await verifier.verifyIdentity(token)
        } catch let error as any AuthFailureConvertible {
            var failure = error.authFailure
            failure.message = "propagated user token: " + failure.message
            throw failure
        }
        guard user.kind == .user else {
            throw Self.invalid("wrong_token_use", "the propagated token does not identify a user")
        }
        auth.user = user
        auth.userToken = token
        return true
    }

    private static func invalid(_ code: String, _ message: String) -> AuthFailure {
        AuthFailure(status: .unauthorized, code: code, challenge: .bearerInvalidToken, message: message)
    }
}
