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
        let body = JSONString.errorBody(code: code, message: message)
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
        // Almost every string written (codes, names, scopes) needs no escaping: return it as is.
        guard value.utf8.contains(where: needsEscape) else { return value }
        var bytes: [UInt8] = []
        appendEscaped(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `value`'s UTF-8, escaped for use between double quotes in JSON, to `bytes`:
    /// `"` and `\` backslashed, `\n`, `\r` and `\t` by name, other control characters as
    /// `\u00XX`, everything else (`/` and non-ASCII included) as it is.
    package static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        guard value.utf8.contains(where: needsEscape) else {
            bytes.append(contentsOf: value.utf8)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default:
                // UTF-8 continuation and lead bytes are never below 0x80: copied as they are.
                bytes.append(byte)
            }
        }
    }

    /// The package's error body, `{"error":"<code>","message":"..."}`: what ``AuthFailure``
    /// responses and the server's own errors (`Responses.error`) carry.
    package static func errorBody(code: String, message: String) -> [UInt8] {
        var bytes = Array(#"{"error":""#.utf8)
        appendEscaped(code, to: &bytes)
        bytes.append(contentsOf: #"","message":""#.utf8)
        appendEscaped(message, to: &bytes)
        bytes.append(contentsOf: #""}"#.utf8)
        return bytes
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
