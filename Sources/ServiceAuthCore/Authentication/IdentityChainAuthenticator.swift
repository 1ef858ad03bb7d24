public import HTTPTypes

/// Records the identity chain (`X-Auth-Chain`) in ``AuthContext/chain`` — but only when the
/// caller's own identity was already verified as a service, role or workload (client
/// certificate) by an earlier authenticator.
///
/// Anyone can send the header; it means something only when a verified service vouches for it.
/// From an unauthenticated caller or an end user it is ignored (the chain stays empty). From a
/// verified caller, a malformed or oversized chain is refused with `400 invalid_chain`
/// (``IdentityChainError``) rather than silently dropped, so a misbehaving hop is noticed.
///
/// Place it after the caller's authenticators: `[BearerTokenAuthenticator or
/// SigV4Authenticator, PropagatedUserAuthenticator, IdentityChainAuthenticator]`.
public struct IdentityChainAuthenticator: Authenticator {
    /// The header that carries the chain.
    public let headerName: HTTPField.Name
    /// The bounds on the chain.
    public let limits: IdentityChain.Limits
    /// The kinds of verified caller whose chain is trusted.
    public let trustedCallerKinds: Set<Identity.Kind>

    /// Creates the authenticator.
    ///
    /// - Parameters:
    ///   - headerName: The header; `X-Auth-Chain` by default.
    ///   - limits: The chain limits.
    ///   - trustedCallerKinds: Whose chain to trust; services, roles and workloads by default (an
    ///     end user calling directly has no chain to vouch for).
    public init(
        headerName: HTTPField.Name = IdentityChain.headerName,
        limits: IdentityChain.Limits = IdentityChain.Limits(),
        trustedCallerKinds: Set<Identity.Kind> = [.service, .role, .workload]
    ) {
        self.headerName = headerName
        self.limits = limits
        self.trustedCallerKinds = trustedCallerKinds
    }

    /// Records the chain a verified service, role or workload vouches for.
    public func authenticate(_ request: HTTPRequest, body: inout MessageBody, auth: inout AuthContext, context: RequestContext)
        async throws -> Bool
    {
        // The token's caller when there is one; else the connection's workload, which
        // RouteSecurity will make the caller.
        guard let caller = auth.caller ?? auth.workload, trustedCallerKinds.contains(caller.kind), let value = request.headerFields[headerName] else {
            auth.chain = []
            return false
        }
        auth.chain = try IdentityChain.parse(value, limits: limits)
        return true
    }
}
