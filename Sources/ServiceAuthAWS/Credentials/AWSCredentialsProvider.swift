import ServiceAuthCore

/// A source of credentials for signing outbound requests.
///
/// Implementations: ``StaticCredentialsProvider``, ``EnvironmentCredentialsProvider`` and
/// ``AssumeRoleCredentialsProvider`` (temporary credentials from STS, cached and refreshed).
public protocol AWSCredentialsProvider: Sendable {
    /// The credentials to sign the next request with.
    ///
    /// - Returns: Valid credentials.
    /// - Throws: ``AWSCredentialsError`` when none can be obtained.
    func credentials() async throws -> AWSCredentials
}
