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
///   mechanism's. A workload proved by the connection's client certificate counts as a caller.
/// - A user token bound to a client certificate (RFC 8705 `cnf.x5t#S256`): accepted only when
///   the forwarding hop proved itself with a sender-constrained credential of its own — a
///   CA-verified client certificate on this connection (``AuthContext/workload``), a SigV4
///   signature (a ``Identity/Kind/role`` caller), or a certificate-bound token of its own;
///   forwarded by a hop with a plain bearer token, it is `401 certificate_mismatch`.
///
/// Why not check the binding here: RFC 8705 §3 binds a token to the client that presents it
/// to a resource server, and here the presenter is the forwarding service, whose connection
/// never carries the user's certificate — the binding was checked where the user presented the
/// token (the first hop), and cannot be checked again. Refusing every bound token would break
/// propagation altogether (and push every hop to token exchange, RFC 8693); accepting it from
/// any caller would let whoever stole it, holding only some bearer token, use it downstream. So
/// the guarantee is carried on the way a mesh carries it (Envoy/Istio verify the end user's
/// credential at the edge and authenticate every hop by its own mTLS identity): a bound user
/// token travels only with a hop that cannot be replayed either.
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
        guard auth.caller != nil || auth.workload != nil else { return false }
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
        if user.boundCertificateThumbprint != nil, !Self.hopIsSenderConstrained(auth) {
            throw Self.invalid(
                "certificate_mismatch",
                "propagated user token: a certificate-bound token is accepted only from a hop proved by its own certificate or signature")
        }
        auth.user = user
        auth.userToken = token
        return true
    }

    /// Whether the hop forwarding the token proved itself with a credential a thief could not
    /// replay: its client certificate, a SigV4 signature, or a certificate-bound token.
    private static func hopIsSenderConstrained(_ auth: AuthContext) -> Bool {
        if auth.workload != nil { return true }
        guard let caller = auth.caller else { return false }
        return caller.kind == .role || caller.boundCertificateThumbprint != nil
    }

    private static func invalid(_ code: String, _ message: String) -> AuthFailure {
        AuthFailure(status: .unauthorized, code: code, challenge: .bearerInvalidToken, message: message)
    }
}
