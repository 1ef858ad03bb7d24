public import HTTPTypes

/// Authenticates requests by their `Authorization: Bearer <JWT>` header (RFC 6750 §2.1) and
/// applies a ``RoutePolicy``.
///
/// - Public routes pass without reading any token.
/// - Otherwise exactly one `Authorization` header with the `Bearer` scheme (any case) is
///   required; none (or another scheme) answers `401` with a bare `Bearer` challenge and
///   `missing_token`; several answer `401 malformed`.
/// - The token is verified by ``JWTVerifier``; failures answer `401` with
///   `Bearer error="invalid_token"` and `{"error":"<code>"}`.
/// - The route's scopes and groups are checked; failures answer `403` with
///   `Bearer error="insufficient_scope"`.
/// - The identity goes into ``RequestContext/auth``: always as ``AuthContext/caller``, and for
///   a user's token also as ``AuthContext/user`` with the raw token in ``AuthContext/userToken``
///   (for propagation to the next hop).
///
/// Verified tokens are cached (``VerifiedTokenCache``) unless the verifier already has a cache
/// or `cachesVerifiedTokens` is `false`.
public struct BearerJWTMiddleware: ServerMiddleware {
    /// The verifier (with its token cache).
    public let verifier: JWTVerifier
    /// The per-route requirements.
    public let policy: RoutePolicy

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - verifier: The token verifier.
    ///   - policy: Which routes are public and what the others need. Default: every route
    ///     needs a valid token.
    ///   - cachesVerifiedTokens: Whether to add a ``VerifiedTokenCache`` when the verifier has none.
    public init(verifier: JWTVerifier, policy: RoutePolicy = RoutePolicy(), cachesVerifiedTokens: Bool = true) {
        if cachesVerifiedTokens, verifier.tokenCache == nil {
            self.verifier = verifier.withTokenCache(VerifiedTokenCache())
        } else {
            self.verifier = verifier
        }
        self.policy = policy
    }

    /// Authenticates and authorises the request, then passes it on.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The request context; the verified identity is added to its ``RequestContext/auth``.
    ///   - next: The rest of the chain.
    /// - Returns: The response, or a `401`/`403` failure response.
    /// - Throws: What `next` throws.
    public func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        let requirement = policy.requirement(method: request.method, path: request.path ?? "/", routePattern: context.routePattern)
        if requirement.isPublic { return try await next(request, body, context) }
        let verified: VerifiedToken
        do {
            let token = try Self.bearerToken(in: request.headerFields)
            verified = try await verifier.verify(token)
            try requirement.check(verified.identity)
        } catch {
            return Self.failure(for: error).response()
        }
        var context = context
        let identity = verified.identity
        context.auth.caller = identity
        if verified.isUserToken {
            context.auth.user = identity
            context.auth.userToken = verified.token
        }
        return try await next(request, body, context)
    }

    /// The token of the request's single `Authorization: Bearer` header.
    ///
    /// The grammar is the package's shared one (``BearerToken/extract(from:name:)``); this adds
    /// the RFC 6750 §3.1 distinction between no bearer credential at all (no header, another
    /// scheme such as `Basic`, or an empty `Bearer`) and a broken one.
    ///
    /// - Parameter fields: The request's header fields.
    /// - Returns: The token.
    /// - Throws: ``JWTError`` `missing_token` when there is no bearer credential, `malformed`
    ///   when there are several `Authorization` headers or the credential is not a `b64token`.
    public static func bearerToken(in fields: HTTPFields) throws(JWTError) -> String {
        switch BearerToken.extract(from: fields) {
        case .token(let token):
            return token
        case .missing, .noBearerCredential:
            throw JWTError(.missingToken, "the request has no bearer token")
        case .malformed:
            throw .malformed("the request does not carry exactly one well-formed bearer token")
        }
    }
}

extension BearerJWTMiddleware {
    /// The HTTP failure for a thrown error; anything unexpected is a generic `401`.
    private static func failure(for error: any Error) -> AuthFailure {
        if let convertible = error as? any AuthFailureConvertible { return convertible.authFailure }
        return JWTError(.malformed, "the token could not be verified").authFailure
    }
}
