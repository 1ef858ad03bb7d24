import ServiceAuthCore

/// Why a credentials provider could not produce credentials.
public struct AWSCredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code: `MissingCredentials`, `InvalidResponse`, `TransportError`, or the STS
    /// error code (`AccessDenied`, `InvalidClientTokenId`, `ExpiredToken`, …).
    public var code: String
    /// A readable explanation (never a secret or token).
    public var message: String
    /// The HTTP status of an STS error response, if any.
    public var httpStatus: Int?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The code.
    ///   - message: A safe message.
    ///   - httpStatus: The HTTP status of an STS error response.
    public init(code: String, message: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// The code and message.
    public var description: String { "\(code): \(message)" }

    static func missingCredentials(_ message: String) -> AWSCredentialsError {
        AWSCredentialsError(code: "MissingCredentials", message: message)
    }
    static func invalidResponse(_ message: String) -> AWSCredentialsError {
        AWSCredentialsError(code: "InvalidResponse", message: message)
    }
    static func transport(_ message: String) -> AWSCredentialsError {
        AWSCredentialsError(code: "TransportError", message: message)
    }
}
