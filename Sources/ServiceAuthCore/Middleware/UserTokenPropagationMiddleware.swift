public import HTTPTypes

/// Client middleware that propagates the end user's token to the next hop, so that hop can
/// verify the user itself instead of trusting this service's word for it.
///
/// It reads the token that proved the inbound request's user (``AuthContext/current``'s
/// ``AuthContext/userToken``, set by the bearer authenticator or ``PropagatedUserAuthenticator``)
/// and sends it as `X-Forwarded-Authorization: Bearer <token>` (the header is configurable).
/// When the inbound request had no user, the header is removed, so that a value set by
/// application code can never pass as a propagated, verified user.
public struct UserTokenPropagationMiddleware: ClientMiddleware {
    /// The default header: `X-Forwarded-Authorization`.
    public static let defaultHeaderName = HTTPField.Name("X-Forwarded-Authorization")!

    /// The header that carries the user's token.
    public let headerName: HTTPField.Name

    /// Creates the middleware.
    ///
    /// - Parameter headerName: The header to send; `X-Forwarded-Authorization` by default.
    public init(headerName: HTTPField.Name = UserTokenPropagationMiddleware.defaultHeaderName) {
        self.headerName = headerName
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
            request.headerFields[headerName] = "Bearer " + token
        } else {
            request.headerFields[headerName] = nil
        }
        return try await next(request, body)
    }
}
