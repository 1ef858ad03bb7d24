import HTTPTypes
public import ServiceAuthCore

/// Why a SigV4-authenticated request (or an STS-delegated identity) was refused.
///
/// The codes are AWS's own (`CONTRACT.md`), so callers that already handle AWS errors
/// recognise them. Messages name the rule that failed and never contain a signature, a
/// secret access key or a session token.
public struct SigV4Error: Error, Sendable, Hashable, AuthFailureConvertible, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, e.g. `SignatureDoesNotMatch`.
        public var rawValue: String
        /// Creates a code from its text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// No `Authorization` header and no presigned query parameters.
        public static let missingAuthenticationToken = Code(rawValue: "MissingAuthenticationToken")
        /// The `Authorization` header or the presigned query is malformed.
        public static let incompleteSignature = Code(rawValue: "IncompleteSignature")
        /// The signature, the credential scope, a required signed header or the body hash is wrong.
        public static let signatureDoesNotMatch = Code(rawValue: "SignatureDoesNotMatch")
        /// The request's date is outside the allowed clock skew.
        public static let requestTimeTooSkewed = Code(rawValue: "RequestTimeTooSkewed")
        /// A presigned request has expired, asks for too long a lifetime, or was replayed.
        public static let requestExpired = Code(rawValue: "RequestExpired")
        /// The access key id or the session token is not known.
        public static let invalidClientTokenId = Code(rawValue: "InvalidClientTokenId")
        /// The temporary credentials have expired.
        public static let expiredToken = Code(rawValue: "ExpiredToken")
        /// The caller is authenticated but not allowed.
        public static let accessDenied = Code(rawValue: "AccessDenied")
        /// A service needed to verify the caller (STS) could not be reached.
        public static let serviceUnavailable = Code(rawValue: "ServiceUnavailable")
    }

    /// The error code.
    public var code: Code
    /// A safe, human-readable explanation.
    public var message: String
    /// The `WWW-Authenticate` challenge of the HTTP response.
    public var challenge: AuthChallenge

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The code.
    ///   - message: A message that must not contain credentials or signatures.
    ///   - challenge: The `WWW-Authenticate` challenge; `AWS4-HMAC-SHA256` unless the
    ///     credential travelled as a bearer token.
    public init(_ code: Code, _ message: String, challenge: AuthChallenge = .sigV4) {
        self.code = code
        self.message = message
        self.challenge = challenge
    }

    /// The failure at the HTTP edge: 403 for `AccessDenied`, 503 when STS is unavailable,
    /// 401 otherwise.
    public var authFailure: AuthFailure {
        let status: HTTPResponse.Status =
            switch code {
            case .accessDenied: .forbidden
            case .serviceUnavailable: .serviceUnavailable
            default: .unauthorized
            }
        return AuthFailure(status: status, code: code.rawValue, challenge: challenge, message: message)
    }

    /// The code and message.
    public var description: String { "\(code.rawValue): \(message)" }

    static func missingAuthenticationToken(_ message: String) -> SigV4Error { SigV4Error(.missingAuthenticationToken, message) }
    static func incompleteSignature(_ message: String) -> SigV4Error { SigV4Error(.incompleteSignature, message) }
    static func signatureDoesNotMatch(_ message: String) -> SigV4Error { SigV4Error(.signatureDoesNotMatch, message) }
    static func requestTimeTooSkewed(_ message: String) -> SigV4Error { SigV4Error(.requestTimeTooSkewed, message) }
    static func requestExpired(_ message: String) -> SigV4Error { SigV4Error(.requestExpired, message) }
    static func invalidClientTokenId(_ message: String) -> SigV4Error { SigV4Error(.invalidClientTokenId, message) }
    static func expiredToken(_ message: String) -> SigV4Error { SigV4Error(.expiredToken, message) }
    static func accessDenied(_ message: String) -> SigV4Error { SigV4Error(.accessDenied, message) }
}
