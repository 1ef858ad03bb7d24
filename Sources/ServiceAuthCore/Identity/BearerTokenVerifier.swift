/// Something that turns a bearer token into a verified ``Identity``.
///
/// `JWTVerifier` is the main implementation; middleware that verify tokens (the bearer
/// authenticator, the propagated-user authenticator) depend on this protocol only.
public protocol BearerTokenVerifier: Sendable {
    /// Verifies `token`.
    ///
    /// - Parameter token: The compact token, without the `Bearer ` prefix.
    /// - Returns: The identity the token proves.
    /// - Throws: An error conforming to ``AuthFailureConvertible`` when the token is not valid.
    func verifyIdentity(_ token: String) async throws -> Identity

    /// This verifier with a cache of verified tokens, if it can have one (a `JWTVerifier`
    /// without a cache gets a `VerifiedTokenCache`); by default the verifier itself.
    ///
    /// - Returns: The caching verifier.
    func cachingVerifiedTokens() -> any BearerTokenVerifier
}

extension BearerTokenVerifier {
    /// By default a verifier caches nothing.
    public func cachingVerifiedTokens() -> any BearerTokenVerifier { self }
}
