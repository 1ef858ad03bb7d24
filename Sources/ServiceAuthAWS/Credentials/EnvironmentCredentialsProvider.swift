import Foundation
import ServiceAuthCore

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional
/// `AWS_SESSION_TOKEN`, the variables every AWS SDK reads.
public struct EnvironmentCredentialsProvider: AWSCredentialsProvider {
    private let environment: [String: String]?

    /// Creates a provider reading the process environment at each call.
    public init() { self.environment = nil }

    /// Creates a provider reading a fixed environment (for tests).
    ///
    /// - Parameter environment: The variables.
    public init(environment: [String: String]) { self.environment = environment }

    /// The credentials in the environment.
    ///
    /// - Returns: The credentials.
    /// - Throws: ``AWSCredentialsError`` `MissingCredentials` when the key id or secret is unset or empty.
    public func credentials() async throws -> AWSCredentials {
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        guard let accessKeyId = environment["AWS_ACCESS_KEY_ID"], !accessKeyId.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else {
            throw AWSCredentialsError.missingCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token)
    }
}
