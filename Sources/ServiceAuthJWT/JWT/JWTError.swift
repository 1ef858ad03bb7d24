public import ServiceAuthCore

/// Why a bearer JWT was not accepted.
///
/// ``code`` is stable (the strings of `CONTRACT.md`); ``message`` is a safe explanation for
/// humans. Neither ever contains the token, its signature or key material.
public struct JWTError: Error, Sendable, Hashable, CustomStringConvertible, AuthFailureConvertible {
    /// A stable, machine-readable error code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's string, e.g. `expired`.
        public var rawValue: String
        /// Creates a code from its string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's string.
        public var description: String { rawValue }

        /// The token is not a well-formed compact JWS / JWT (structure, base64url, JSON,
        /// claim types, size, `crit`, missing `kid` or `exp`).
        public static let malformed = Code(rawValue: "malformed")
        /// The `alg` is not allowed (e.g. `none`, an HMAC algorithm, or one outside the allow-list),
        /// or does not match the key.
        public static let unsupportedAlgorithm = Code(rawValue: "unsupported_algorithm")
        /// No key with the token's `kid` is published by the issuer.
        public static let unknownKey = Code(rawValue: "unknown_key")
        /// The signature does not verify.
        public static let badSignature = Code(rawValue: "bad_signature")
        /// The token has expired (or lives longer than allowed).
        public static let expired = Code(rawValue: "expired")
        /// The token is not valid yet (`nbf`, or `iat` in the future).
        public static let notYetValid = Code(rawValue: "not_yet_valid")
        /// The `iss` is not a trusted issuer.
        public static let wrongIssuer = Code(rawValue: "wrong_issuer")
        /// The `aud` / `client_id` is not accepted.
        public static let wrongAudience = Code(rawValue: "wrong_audience")
        /// The Cognito `token_use` is not the expected one.
        public static let wrongTokenUse = Code(rawValue: "wrong_token_use")
        /// A required scope is missing.
        public static let missingScope = Code(rawValue: "missing_scope")
        /// None of the required groups is present.
        public static let missingGroup = Code(rawValue: "missing_group")
        /// The issuer's keys could not be fetched.
        public static let jwksUnavailable = Code(rawValue: "jwks_unavailable")
        /// The request carried no bearer token (middleware only).
        public static let missingToken = Code(rawValue: "missing_token")
    }

    /// The stable code.
    public var code: Code
    /// A safe, human-readable explanation.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A safe explanation; never put the token or its parts here.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A readable description (code and message).
    public var description: String { "\(code.rawValue): \(message)" }

    /// The HTTP failure (RFC 6750 §3): `403 insufficient_scope` for a missing scope or group,
    /// `401` with a bare `Bearer` challenge when no token was sent, else `401 invalid_token`.
    public var authFailure: AuthFailure {
        switch code {
        case .missingScope, .missingGroup:
            AuthFailure(status: .forbidden, code: code.rawValue, challenge: .bearerInsufficientScope, message: message)
        case .missingToken:
            AuthFailure(status: .unauthorized, code: code.rawValue, challenge: .bearer, message: message)
        default:
            AuthFailure(status: .unauthorized, code: code.rawValue, challenge: .bearerInvalidToken, message: message)
        }
    }

    static func malformed(_ message: String) -> JWTError { JWTError(.malformed, message) }
}
