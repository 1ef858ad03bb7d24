public import HTTPTypes

/// Reads a bearer token from a request (RFC 6750 §2.1).
public enum BearerToken {
    /// The largest header value considered; longer values are refused without inspection.
    public static let maxHeaderLength = 16 * 1024

    /// The outcome of looking for a bearer token.
    ///
    public enum Extraction: Sendable, Hashable {
        /// No header of that name.
        case missing
        /// One header, but with another scheme (`Basic …`) or an empty `Bearer`: it holds no
        /// bearer credential. On `Authorization` RFC 6750 §3.1 treats this like ``missing``;
        /// on a header that must carry a bearer token (a propagated user token) it is malformed.
        case noBearerCredential
        /// A header is present but is not exactly one well-formed `Bearer <token>`.
        case malformed
        /// The token.
        case token(String)
    }

    /// Extracts the token of the single `name` header (`Authorization` by default).
    ///
    /// The scheme is matched case-insensitively; exactly one header must be present, since two
    /// could be read differently by two hops.
    ///
    /// - Parameters:
    ///   - fields: The request's header fields.
    ///   - name: The header to read.
    /// - Returns: The extraction outcome.
    public static func extract(from fields: HTTPFields, name: HTTPField.Name = .authorization) -> Extraction {
        let values = fields[values: name]
        guard let value = values.first else { return .missing }
        guard values.count == 1, value.utf8.count <= maxHeaderLength else { return .malformed }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        // Another scheme (e.g. Basic) carries no bearer credential at all: RFC 6750 §3.1 treats
        // that like a request without authentication (plain `Bearer` challenge, no error code).
        guard parts[0].lowercased() == "bearer" else { return .noBearerCredential }
        // An empty `Bearer` carries no credential either.
        let token = parts.count == 2 ? parts[1].trimmingLeadingAndTrailingSpaces : ""
        guard !token.isEmpty else { return .noBearerCredential }
        // RFC 6750 b64token characters only; anything else cannot be a token we issued.
        guard token.utf8.allSatisfy(Self.isTokenByte) else { return .malformed }
        return .token(String(token))
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }
}

extension Substring {
    var trimmingLeadingAndTrailingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}
