
/// Something that hands out an OAuth access token for outbound calls.
///
/// ``ClientCredentialsTokenProvider`` is the main implementation; ``BearerTokenMiddleware``
/// depends on this protocol only, so tests and applications can plug in their own source.
public protocol AccessTokenProvider: Sendable {
    /// Returns a currently valid access token.
    ///
    /// Implementations are expected to cache: this is called once per outbound request.
    ///
    /// - Returns: The token, without the `Bearer ` prefix. It is a credential: never log it.
    /// - Throws: An error explaining why no valid token is available (for the client-credentials
    ///   provider, a ``TokenProviderError``).
    func accessToken() async throws -> String
}
