public import Foundation
import ServiceAuthCore

/// AWS credentials used to sign requests: an access key id, its secret, and for temporary
/// credentials a session token and an expiry.
///
/// `description`, `debugDescription` and reflection (`dump`, `print` of containers) show the
/// access key id only; the secret and the token never appear in logs.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The access key id (`AKIA…` for long-term, `ASIA…` for temporary credentials).
    public var accessKeyId: String
    /// The secret access key. A credential: never log it.
    public var secretAccessKey: String
    /// The session token of temporary credentials. A credential: never log it.
    public var sessionToken: String?
    /// When temporary credentials expire.
    public var expiration: Date?

    /// Creates credentials.
    ///
    /// - Parameters:
    ///   - accessKeyId: The access key id.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: The session token of temporary credentials.
    ///   - expiration: When temporary credentials expire.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// A redacted description: the access key id, and whether there is a session token.
    public var description: String {
        var text = "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }

    /// The same redacted description.
    public var debugDescription: String { description }

    /// A mirror that hides the secret and the token from `dump` and debuggers.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyId": accessKeyId as Any,
                "secretAccessKey": "<redacted>" as Any,
                "sessionToken": (sessionToken == nil ? "nil" : "<redacted>") as Any,
                "expiration": expiration as Any,
            ],
            displayStyle: .struct
        )
    }

    /// Whether the credentials expire before `date`.
    ///
    /// - Parameter date: The instant to compare with.
    /// - Returns: `true` when ``expiration`` is set and not after `date`.
    public func isExpired(at date: Date) -> Bool {
        guard let expiration else { return false }
        return expiration <= date
    }
}
