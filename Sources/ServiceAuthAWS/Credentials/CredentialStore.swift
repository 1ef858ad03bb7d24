import ServiceAuthCore

/// Where a SigV4 verifier finds the secret behind an access key id.
///
/// Implementations: ``JSONFileCredentialStore`` (long-term keys from a file),
/// ``IssuerSessionCredentialStore`` (the local issuer's temporary credentials, opened from the
/// session token itself) and ``CompositeCredentialStore`` (several stores in order).
public protocol CredentialStore: Sendable {
    /// Looks up a credential.
    ///
    /// - Parameters:
    ///   - accessKeyId: The access key id of the request's credential scope.
    ///   - sessionToken: The request's `X-Amz-Security-Token`, if any.
    /// - Returns: The credential, or `nil` when the key is unknown to this store.
    /// - Throws: ``SigV4Error`` (`InvalidClientTokenId`, `ExpiredToken`) when the key is known
    ///   but the session token is wrong or expired.
    func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential?
}
