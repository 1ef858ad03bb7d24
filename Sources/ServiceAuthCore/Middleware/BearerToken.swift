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
        guard var value = values.first else { return .missing }
        guard values.count == 1, value.utf8.count <= maxHeaderLength else { return .malformed }
        // One pass over the UTF-8 bytes: this runs on every request, and the token is ~1 KB.
        return value.withUTF8(extract(fromBytes:))
    }

    private static func extract(fromBytes bytes: UnsafeBufferPointer<UInt8>) -> Extraction {
        // The scheme, matched case-insensitively (RFC 9110 §11.1).
        let scheme = Array("bearer".utf8)
        let schemeEnd = bytes.firstIndex(of: UInt8(ascii: " ")) ?? bytes.endIndex
        let isBearer = schemeEnd == scheme.count
            && zip(bytes[..<schemeEnd], scheme).allSatisfy { byte, expected in byte | 0x20 == expected }
        // Another scheme (e.g. Basic) carries no bearer credential at all: RFC 6750 §3.1 treats
        // that like a request without authentication (plain `Bearer` challenge, no error code).
        guard isBearer else { return .noBearerCredential }
        var start = schemeEnd
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        // An empty `Bearer` carries no credential either.
        guard start < end else { return .noBearerCredential }
        let token = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // RFC 6750 b64token characters only; anything else cannot be a token we issued.
        guard token.allSatisfy(isTokenByte) else { return .malformed }
        return .token(String(decoding: token, as: UTF8.self))
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
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
