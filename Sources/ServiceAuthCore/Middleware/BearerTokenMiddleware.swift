public import HTTPTypes

/// Client middleware that authenticates outbound requests with the service's own access token:
/// `Authorization: Bearer <token>` from an ``AccessTokenProvider`` (typically a
/// ``ClientCredentialsTokenProvider``).
///
/// The provider caches, so the common case costs one lock; a failure to obtain a token fails
/// the request with the provider's error (``TokenProviderError``) before anything is sent.
public struct BearerTokenMiddleware: ClientMiddleware {
    /// Where tokens come from.
    public let provider: any AccessTokenProvider

    /// Creates the middleware.
    ///
    /// - Parameter provider: Where tokens come from.
    public init(provider: any AccessTokenProvider) { self.provider = provider }

    /// Sets `Authorization: Bearer <token>`, replacing any value already there.
    ///
    /// - Parameters:
    ///   - request: The outgoing request.
    ///   - body: The request body.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: The provider's error, or whatever the rest of the chain throws.
    public func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        let token = try await provider.accessToken()
        var request = request
        request.headerFields[.authorization] = "Bearer " + token
        return try await next(request, body)
    }
}
