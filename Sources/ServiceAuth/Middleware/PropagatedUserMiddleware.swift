public import HTTPTypes

/// Server middleware that verifies the end user's token propagated by the calling service
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
/// - A header that is not exactly one `Bearer <token>` (``BearerToken/extract(from:name:)``,
///   at most ``BearerToken/maxHeaderLength`` bytes): `401 malformed`.
/// - No header: no user; or `401 missing_token` when ``required`` is set.
public struct PropagatedUserMiddleware: ServerMiddleware {
    /// Verifies the propagated token (typically a `JWTVerifier` for the user pool).
    public let verifier: any BearerTokenVerifier
    /// The header that carries the token.
    public let headerName: HTTPField.Name
    /// Whether a request without a propagated user is refused.
    public let required: Bool

    /// Creates the middleware.
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

    /// Verifies the propagated user token, if any, and records the user.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - body: The request body.
    ///   - context: The context; `auth.user` and `auth.userToken` are set on success.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: An ``AuthFailure`` (401) for a missing (when required), malformed or invalid
    ///   token; or whatever the rest of the chain throws.
    public func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        let token: String
        switch BearerToken.extract(from: request.headerFields, name: headerName) {
        case .missing:
            if required {
                throw AuthFailure(status: .unauthorized, code: "missing_token", challenge: "Bearer", message: "no propagated user token was sent")
            }
            return try await next(request, body, context)
        case .malformed, .noBearerCredential:
            throw Self.invalid("malformed", "the propagated user token header is not a single Bearer token")
        case .token(let value):
            token = value
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
        var context = context
        context.auth.user = user
        context.auth.userToken = token
        return try await next(request, body, context)
    }

    private static func invalid(_ code: String, _ message: String) -> AuthFailure {
        AuthFailure(status: .unauthorized, code: code, challenge: #"Bearer error="invalid_token""#, message: message)
    }
}
