public import HTTPTypes

/// Client middleware that propagates the end user's token to the next hop, so that hop can
/// verify the user itself instead of trusting this service's word for it.
///
/// It reads the token that proved the inbound request's user (``AuthContext/current``'s
/// ``AuthContext/userToken``, set by the bearer authenticator or ``PropagatedUserAuthenticator``)
/// and sends it as `X-Forwarded-Authorization: Bearer <token>` (the header is configurable).
/// When the inbound request had no user, the header is removed, so that a value set by
/// application code can never pass as a propagated, verified user.
///
/// The token goes only over TLS, or over plain `http` to the loopback interface; any other
/// plain-`http` hop must be allowed explicitly (`allowsInsecureHTTP`).
public struct UserTokenPropagationMiddleware: ClientMiddleware {
    /// The default header: `X-Forwarded-Authorization`.
    public static let defaultHeaderName = HTTPField.Name("X-Forwarded-Authorization")!

    /// The header that carries the user's token.
    public let headerName: HTTPField.Name

    /// Whether the token may travel over plain `http` to a host that is not loopback.
    public let allowsInsecureHTTP: Bool

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - headerName: The header the token travels in (default `X-Forwarded-Authorization`).
    ///   - allowsInsecureHTTP: Forward the user's token over plain `http` to hosts that are not
    ///     loopback too (default `false`: such a call fails with an ``HTTPTransportError``
    ///     before anything is sent). Set it only where the network itself is trusted and
    ///     encrypted, e.g. behind a mesh sidecar that speaks mTLS for you.
    public init(headerName: HTTPField.Name = UserTokenPropagationMiddleware.defaultHeaderName, allowsInsecureHTTP: Bool = false) {
        self.headerName = headerName
        self.allowsInsecureHTTP = allowsInsecureHTTP
    }

    /// Sets (or removes) the propagated user token header.
    ///
    /// - Parameters:
    ///   - request: The outgoing request.
    ///   - body: The request body.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: Whatever the rest of the chain throws.
    public func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        var request = request
        if let token = AuthContext.current?.userToken, !token.isEmpty {
            // The user's token is a bearer credential for every service that accepts it: it
            // never crosses the network readable by anyone on the path.
            guard LoopbackHost.permitsPlainHTTP(request, allowInsecureHTTP: allowsInsecureHTTP) else {
                throw HTTPTransportError.insecureTokenPropagation
            }
            request.headerFields[headerName] = "Bearer " + token
        } else {
            request.headerFields[headerName] = nil
        }
        return try await next(request, body)
    }
}
