public import HTTPTypes

/// Server middleware that records the identity chain (`X-Auth-Chain`) in
/// ``AuthContext/chain`` — but only when the caller's own identity was already verified as a
/// service or role by an earlier middleware.
///
/// Anyone can send the header; it means something only when a verified service vouches for it.
/// From an unauthenticated caller or an end user it is ignored (the chain stays empty). From a
/// verified caller, a malformed or oversized chain is refused with `400 invalid_chain`
/// (``IdentityChainError``) rather than silently dropped, so a misbehaving hop is noticed.
///
/// Place it after the authenticators: `[bearer or SigV4 authenticator, PropagatedUserMiddleware,
/// IdentityChainMiddleware, policy...]`.
public struct IdentityChainMiddleware: ServerMiddleware {
    /// The header that carries the chain.
    public let headerName: HTTPField.Name
    /// The bounds on the chain.
    public let limits: IdentityChain.Limits
    /// The kinds of verified caller whose chain is trusted.
    public let trustedCallerKinds: Set<Identity.Kind>

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - headerName: The header; `X-Auth-Chain` by default.
    ///   - limits: The chain limits.
    ///   - trustedCallerKinds: Whose chain to trust; services and roles by default (an end
    ///     user calling directly has no chain to vouch for).
    public init(
        headerName: HTTPField.Name = IdentityChain.headerName,
        limits: IdentityChain.Limits = IdentityChain.Limits(),
        trustedCallerKinds: Set<Identity.Kind> = [.service, .role]
    ) {
        self.headerName = headerName
        self.limits = limits
        self.trustedCallerKinds = trustedCallerKinds
    }

    /// Records the chain of a trusted caller, or an empty chain otherwise.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - body: The request body.
    ///   - context: The context, whose `auth.caller` decides whether the chain is trusted.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: ``IdentityChainError`` for a trusted caller's malformed chain, or whatever the
    ///   rest of the chain throws.
    public func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        var context = context
        if let caller = context.auth.caller, trustedCallerKinds.contains(caller.kind), let value = request.headerFields[headerName] {
            context.auth.chain = try IdentityChain.parse(value, limits: limits)
        } else {
            context.auth.chain = []
        }
        return try await next(request, body, context)
    }
}
