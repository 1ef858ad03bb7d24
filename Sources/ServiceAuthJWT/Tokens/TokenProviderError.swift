import ServiceAuthCore

/// Why an ``AccessTokenProvider`` could not hand out a valid token.
///
/// The ``code`` is stable and machine-readable: the OAuth 2.0 error codes of RFC 6749 §5.2 that
/// a token endpoint returns (`invalid_client`, `invalid_scope`, ...) pass through unchanged, and
/// the provider adds its own (`issuer_unavailable`, `invalid_response`, ...). The message is safe
/// to log: it never contains the client secret, a token, or text the issuer sent back.
public struct TokenProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's string, e.g. `invalid_client`.
        public var rawValue: String
        /// Creates a code from its string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's string.
        public var description: String { rawValue }

        /// The token endpoint rejected the client's credentials (RFC 6749 §5.2). Not retried.
        public static let invalidClient = Code(rawValue: "invalid_client")
        /// A requested scope is unknown or not allowed for the client. Not retried.
        public static let invalidScope = Code(rawValue: "invalid_scope")
        /// The client may not use the client-credentials grant. Not retried.
        public static let unauthorizedClient = Code(rawValue: "unauthorized_client")
        /// The grant was rejected. Not retried.
        public static let invalidGrant = Code(rawValue: "invalid_grant")
        /// The token endpoint found the request malformed. Not retried.
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// The token endpoint does not support the client-credentials grant. Not retried.
        public static let unsupportedGrantType = Code(rawValue: "unsupported_grant_type")
        /// The token endpoint could not be reached, timed out or answered 5xx/429, on every
        /// attempt of the retry policy.
        public static let issuerUnavailable = Code(rawValue: "issuer_unavailable")
        /// The token endpoint answered something that is not a usable token response (bad JSON,
        /// not a bearer token, an unexpected status, a body over the size limit).
        public static let invalidResponse = Code(rawValue: "invalid_response")
        /// The provider's configuration cannot work (e.g. the endpoint is not an `https` URL).
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
    }

    /// The stable code.
    public var code: Code
    /// A human-readable explanation, free of secrets and tokens.
    public var message: String
    /// The HTTP status the token endpoint answered with, when it answered.
    public var httpStatus: Int?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A safe explanation (never include a secret or token).
    ///   - httpStatus: The token endpoint's status, if any.
    public init(code: Code, message: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    /// A readable description: code and message.
    public var description: String { "\(code.rawValue): \(message)" }

    /// Whether trying the same request again could succeed: transport failures, timeouts,
    /// `5xx` and `429`. OAuth errors (`4xx`) are final, so that a wrong secret never turns into a
    /// retry storm against the issuer.
    public var isRetryable: Bool { code == .issuerUnavailable }
}
