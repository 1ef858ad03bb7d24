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
    /// - Parameter fields: The request's header fields.
    /// - Returns: The token.
    /// - Throws: ``JWTError`` `missing_token` when there is no bearer credential, `malformed`
    ///   when there are several `Authorization` headers or the credential is not a `b64token`.
    public static func bearerToken(in fields: HTTPFields) throws(JWTError) -> String {
        let values = fields[values: .authorization]
        guard !values.isEmpty else { throw JWTError(.missingToken, "the request has no bearer token") }
        // Two credentials are ambiguous: which one would a proxy, a log or another verifier use?
        guard values.count == 1 else { throw .malformed("the request has more than one Authorization header") }
        let value = values[0]
        let utf8 = Array(value.utf8)
        guard utf8.count >= 7, String(decoding: utf8[0..<6], as: UTF8.self).lowercased() == "bearer", utf8[6] == 0x20 else {
            throw JWTError(.missingToken, "the request has no bearer token")
        }
        var start = 7
        while start < utf8.count, utf8[start] == 0x20 { start += 1 }
        var end = utf8.count
        while end > start, utf8[end - 1] == 0x20 || utf8[end - 1] == 0x09 { end -= 1 }
        guard start < end else { throw JWTError(.missingToken, "the request has no bearer token") }
        // RFC 6750 §2.1 b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" then "=" padding.
        var seenPadding = false
        for byte in utf8[start..<end] {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                guard !seenPadding else { throw .malformed("the bearer credential is not a valid token") }
            case UInt8(ascii: "="):
                seenPadding = true
            default:
                throw .malformed("the bearer credential is not a valid token")
            }
        }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}

extension BearerJWTMiddleware {
    /// The HTTP failure for a thrown error; anything unexpected is a generic `401`.
    private static func failure(for error: any Error) -> AuthFailure {
        if let convertible = error as? any AuthFailureConvertible { return convertible.authFailure }
        return JWTError(.malformed, "the token could not be verified").authFailure
    }
}
