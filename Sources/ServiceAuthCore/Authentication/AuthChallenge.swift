/// One `WWW-Authenticate` challenge (RFC 9110 §11.6.1): a scheme and its parameters.
///
/// The package writes every challenge through this type, so the quoting is right in one place
/// and a route that accepts several mechanisms can list each of them.
///
/// ```swift
/// AuthChallenge.bearer(error: "invalid_token").headerValue  // Bearer error="invalid_token"
/// ```
public struct AuthChallenge: Sendable, Hashable, CustomStringConvertible {
    /// An auth-param: a name and its value, written as a quoted string.
    public struct Parameter: Sendable, Hashable {
        /// The parameter's name, e.g. `error` or `realm`.
        public var name: String
        /// The parameter's value, unquoted.
        public var value: String

        /// Creates a parameter.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The authentication scheme, e.g. `Bearer` or `AWS4-HMAC-SHA256`.
    public var scheme: String
    /// The challenge's parameters, in order.
    public var parameters: [Parameter]

    /// Creates a challenge.
    ///
    /// - Parameters:
    ///   - scheme: The scheme (a token).
    ///   - parameters: The auth-params.
    public init(scheme: String, parameters: [Parameter] = []) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// The field value, e.g. `Bearer error="insufficient_scope"`.
    public var headerValue: String {
        guard !parameters.isEmpty else { return scheme }
        let rendered = parameters.map { parameter in
            var quoted = "\""
            for character in parameter.value {
                // RFC 9110 §5.6.4: a quoted-string escapes `"` and `\`; controls never belong here.
                if character == "\"" || character == "\\" { quoted.append("\\") }
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) { quoted.append(character) }
            }
            quoted.append("\"")
            return "\(parameter.name)=\(quoted)"
        }
        return scheme + " " + rendered.joined(separator: ", ")
    }

    /// The field value.
    public var description: String { headerValue }

    /// `Bearer`: no bearer token was sent (RFC 6750 §3.1: no error code then).
    public static let bearer = AuthChallenge(scheme: "Bearer")

    /// `Bearer error="<error>"`, e.g. `invalid_token` or `insufficient_scope` (RFC 6750 §3.1).
    ///
    /// - Parameter error: The RFC 6750 error code.
    /// - Returns: The challenge.
    public static func bearer(error: String) -> AuthChallenge {
        AuthChallenge(scheme: "Bearer", parameters: [Parameter("error", error)])
    }

    /// `Bearer error="invalid_token"`: a bearer token was sent and is not valid.
    public static let bearerInvalidToken = bearer(error: "invalid_token")

    /// `Bearer error="insufficient_scope"`: a valid token that does not grant this request.
    public static let bearerInsufficientScope = bearer(error: "insufficient_scope")

    /// `AWS4-HMAC-SHA256`: the request must be signed with AWS Signature Version 4.
    public static let sigV4 = AuthChallenge(scheme: "AWS4-HMAC-SHA256")
}
