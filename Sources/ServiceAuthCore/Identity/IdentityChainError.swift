/// A malformed or oversized identity chain (`X-Auth-Chain`), or a service name that cannot be
/// put into one.
///
/// At the HTTP edge it is a `400 Bad Request` with code `invalid_chain`: a verified caller sent a
/// chain this service refuses to record. The message never repeats the header's content.
public struct IdentityChainError: Error, Sendable, Hashable, CustomStringConvertible, AuthFailureConvertible {
    /// The stable code: `invalid_chain`.
    public static let code = "invalid_chain"

    /// A safe explanation.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameter message: A safe explanation (never the header's content).
    public init(message: String) { self.message = message }

    /// A readable description.
    public var description: String { "\(Self.code): \(message)" }

    /// The HTTP failure: `400` with `{"error":"invalid_chain"}`.
    public var authFailure: AuthFailure {
        AuthFailure(status: .badRequest, code: Self.code, challenges: [], message: message)
    }
}
