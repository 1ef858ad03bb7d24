/// Verifies a bearer token against one configured secret, in constant time, for operational
/// endpoints guarded by a shared token (an admin route, a metrics scraper):
/// `BearerTokenAuthenticator(verifier: SharedSecretTokenVerifier(secret: token, identity: admin))`.
///
/// The secret must be an RFC 6750 `b64token` (letters, digits, `-._~+/`, trailing `=`), since
/// that is all a bearer credential can carry. A wrong token is `401 invalid_token`; neither the
/// secret nor what was presented appears in the error.
public struct SharedSecretTokenVerifier: BearerTokenVerifier {
    private let secret: String
    /// The identity a request presenting the secret is given.
    public let identity: Identity

    /// Creates the verifier.
    ///
    /// - Parameters:
    ///   - secret: The shared token.
    ///   - identity: Who a holder of the token is (a ``Identity/Kind/service``, typically).
    public init(secret: String, identity: Identity) {
        self.secret = secret
        self.identity = identity
    }

    /// Returns ``identity`` when `token` is the secret.
    ///
    /// - Throws: ``AuthFailure`` `401 invalid_token` otherwise.
    public func verifyIdentity(_ token: String) async throws -> Identity {
        guard SecretComparison.equal(token, secret) else {
            throw AuthFailure(status: .unauthorized, code: "invalid_token", challenge: .bearerInvalidToken, message: "the token is not valid")
        }
        return identity
    }
}
