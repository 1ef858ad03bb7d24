import ServiceAuthCore

/// Always the same credentials (from configuration or a test).
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    private let value: AWSCredentials

    /// Creates a provider.
    ///
    /// - Parameter credentials: The credentials to return.
    public init(_ credentials: AWSCredentials) { self.value = credentials }

    /// Creates a provider from an access key.
    ///
    /// - Parameters:
    ///   - accessKeyId: The access key id.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: The session token of temporary credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.init(AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken))
    }

    /// The credentials.
    ///
    /// - Returns: The configured credentials.
    public func credentials() async throws -> AWSCredentials { value }
}
