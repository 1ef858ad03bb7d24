public import Foundation
import ServiceAuthCore

/// What a verifier needs to know about an access key: its secret and whom it belongs to.
public struct StoredCredential: Sendable, Hashable, CustomStringConvertible {
    /// The secret access key. A credential: never log it.
    public var secretAccessKey: String
    /// The IAM principal ARN the key authenticates, e.g. `arn:aws:iam::123456789012:role/orders`
    /// or `arn:aws:sts::123456789012:assumed-role/orders/session`.
    public var principal: String
    /// When temporary credentials expire; `nil` for long-term keys.
    public var expiration: Date?

    /// Creates a stored credential.
    ///
    /// - Parameters:
    ///   - secretAccessKey: The secret access key.
    ///   - principal: The principal ARN.
    ///   - expiration: The expiry of temporary credentials.
    public init(secretAccessKey: String, principal: String, expiration: Date? = nil) {
        self.secretAccessKey = secretAccessKey
        self.principal = principal
        self.expiration = expiration
    }

    /// A description without the secret.
    public var description: String { "StoredCredential(principal: \(principal), secretAccessKey: <redacted>)" }
}
