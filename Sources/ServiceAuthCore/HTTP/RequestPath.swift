/// The path part of a request target, shared by everything that routes or authorizes on it.
///
/// Everything here works on the target's UTF-8 bytes, never on `Character`s: Swift compares
/// and splits strings by grapheme cluster under canonical equivalence, so `"\u{212A}eys" ==
/// "Keys"` (KELVIN SIGN) and `"?\u{301}"` is one `Character` that is not `"?"`. The router, the
/// policies and SigV4 must all see the same path, and byte-wise they do.
package enum RequestPath {
    /// `target` up to (not including) the first `?` byte: the path without its query.
    package static func withoutQuery(_ target: String) -> Substring {
        let bytes = target.utf8
        return Substring(bytes[..<(bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex)])
    }

    /// `target` split at its first `?` byte into path and query (`nil` when there is no `?`).
    package static func split(_ target: String) -> (path: Substring, query: Substring?) {
        let bytes = target.utf8
        guard let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else { return (target[...], nil) }
        return (Substring(bytes[..<mark]), Substring(bytes[bytes.index(after: mark)...]))
    }

    /// The path's segments as the router matches them: the query dropped, split at `/` bytes,
    /// empty segments (`//`, a trailing `/`) omitted.
    package static func segments(_ target: String) -> [Substring] {
        slashSeparated(withoutQuery(target))
    }

    /// A route's or policy rule's pattern split into segments as ``segments(_:)`` splits a
    /// request: at `/` bytes, empty segments omitted; a `?` here is part of the pattern.
    package static func patternSegments(_ pattern: String) -> [Substring] {
        slashSeparated(pattern[...])
    }

    private static func slashSeparated(_ text: Substring) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Substring.init)
    }

    /// Whether a request target is ASCII, as RFC 3986 requires (everything else is
    /// percent-encoded). Between ASCII strings `==` is byte equality, so a path that is ASCII
    /// cannot reach a route by a canonically equivalent spelling; one that is not is refused
    /// wherever a router or policy other than byte-wise matching could see it.
    package static func isASCII(_ target: String) -> Bool {
        target.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Whether a request segment is exactly `literal`, byte for byte (not under Unicode
    /// canonical equivalence, which `==` on strings applies).
    package static func segment(_ segment: Substring, is literal: String) -> Bool {
        segment.utf8.elementsEqual(literal.utf8)
    }

    /// A segment percent-decoded, or the segment itself when it is not valid percent-encoding
    /// of UTF-8.
    package static func decoded(_ segment: Substring) -> String {
        guard segment.utf8.contains(UInt8(ascii: "%")), let bytes = PercentEncoding.decodeStrictly(segment.utf8, plusAsSpace: false) else {
            return String(segment)
        }
        return String(validating: bytes, as: UTF8.self) ?? String(segment)
    }
}
