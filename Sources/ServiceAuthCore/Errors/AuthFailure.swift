public import HTTPTypes

/// An authentication or authorisation failure as the HTTP edge reports it.
///
/// Every mechanism of the package has its own error type with stable codes (see
/// `CONTRACT.md`); each converts to an `AuthFailure`, and ``response()`` is the one place that
/// turns a failure into an HTTP response: the status, a `WWW-Authenticate` challenge and a
/// JSON body `{"error":"<code>"}`. Nothing in it ever contains a token, secret or signature.
public struct AuthFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status: `401` when the caller is not authenticated, `403` when it is but may
    /// not do this.
    public var status: HTTPResponse.Status
    /// The machine-readable code, e.g. `expired` or `SignatureDoesNotMatch`.
    public var code: String
    /// The `WWW-Authenticate` challenges, one field each, e.g. `Bearer error="invalid_token"`;
    /// a route that accepts several mechanisms lists each of them.
    public var challenges: [AuthChallenge]
    /// A human-readable explanation that is safe to show the caller.
    public var message: String

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - status: `401`, `403`, or the status of an infrastructure failure.
    ///   - code: The machine-readable code.
    ///   - challenges: The `WWW-Authenticate` challenges.
    ///   - message: A message that is safe to show the caller.
    public init(status: HTTPResponse.Status, code: String, challenges: [AuthChallenge], message: String) {
        self.status = status
        self.code = code
        self.challenges = challenges
        self.message = message
    }

    /// Creates a failure with at most one challenge.
    ///
    /// - Parameters:
    ///   - status: `401`, `403`, or the status of an infrastructure failure.
    ///   - code: The machine-readable code.
    ///   - challenge: The `WWW-Authenticate` challenge, if any.
    ///   - message: A message that is safe to show the caller.
    public init(status: HTTPResponse.Status, code: String, challenge: AuthChallenge?, message: String) {
        self.init(status: status, code: code, challenges: challenge.map { [$0] } ?? [], message: message)
    }

    /// A readable description (code and message; never a credential).
    public var description: String { "\(code): \(message)" }

    /// The HTTP response for this failure.
    public func response() -> (HTTPResponse, MessageBody) {
        let (head, body) = responseParts()
        return (head, MessageBody(body))
    }

    /// The HTTP response for this failure as a head and the body's bytes, for adapters whose
    /// frameworks have their own body type: the status, one `WWW-Authenticate` field per
    /// challenge, `Cache-Control: no-store`, and `{"error":"<code>","message":"..."}`.
    public func responseParts() -> (head: HTTPResponse, body: [UInt8]) {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        for challenge in challenges { fields.append(HTTPField(name: .wwwAuthenticate, value: challenge.headerValue)) }
        let body = Array(#"{"error":"\#(JSONString.escape(code))","message":"\#(JSONString.escape(message))"}"#.utf8)
        fields[.contentLength] = String(body.count)
        return (HTTPResponse(status: status, headerFields: fields), body)
    }
}

/// An error that knows its HTTP authentication failure.
public protocol AuthFailureConvertible: Error {
    /// The failure to report at the HTTP edge.
    var authFailure: AuthFailure { get }
}

extension AuthFailure: AuthFailureConvertible {
    /// The failure itself.
    public var authFailure: AuthFailure { self }
}

/// Minimal JSON string escaping for the few strings the package writes by hand.
package enum JSONString {
    /// Escapes `value` for use between double quotes in JSON.
    package static func escape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
