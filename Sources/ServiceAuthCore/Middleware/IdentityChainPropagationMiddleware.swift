public import HTTPTypes

/// Client middleware that tells the next hop which services the request passed through: the
/// chain this service received (``AuthContext/current``'s ``AuthContext/chain``) followed by
/// this service's own name, in `X-Auth-Chain` (see ``IdentityChain``).
///
/// The next hop records it only if it verified this service's own credentials
/// (``IdentityChainAuthenticator``), so the chain is only as trustworthy as each hop's
/// authentication.
public struct IdentityChainPropagationMiddleware: ClientMiddleware {
    /// This service's name, appended to the chain.
    public let serviceName: String
    /// The header that carries the chain.
    public let headerName: HTTPField.Name
    /// The limits the next hop applies; a chain that would exceed them fails the call here.
    public let limits: IdentityChain.Limits

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - serviceName: This service's name, e.g. `orders`.
    ///   - headerName: The header; `X-Auth-Chain` by default.
    ///   - limits: The chain limits.
    /// - Throws: ``IdentityChainError`` when `serviceName` is not a valid chain entry.
    public init(
        serviceName: String,
        headerName: HTTPField.Name = IdentityChain.headerName,
        limits: IdentityChain.Limits = IdentityChain.Limits()
    ) throws(IdentityChainError) {
        guard IdentityChain.isValidEntry(serviceName, limits: limits) else {
            throw IdentityChainError(message: "the service name is not a valid identity chain entry")
        }
        self.serviceName = serviceName
        self.headerName = headerName
        self.limits = limits
    }

    /// Sets the chain header, replacing any value already there.
    ///
    /// - Parameters:
    ///   - request: The outgoing request.
    ///   - body: The request body.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: ``IdentityChainError`` when the chain would exceed the limits, or whatever the
    ///   rest of the chain throws.
    public func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        var request = request
        let received = AuthContext.current?.chain ?? []
        request.headerFields[headerName] = try IdentityChain.render(received + [serviceName], limits: limits)
        return try await next(request, body)
    }
}
