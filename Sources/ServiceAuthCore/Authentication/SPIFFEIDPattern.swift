/// An allowed SPIFFE ID (`spiffe://trust-domain/path`), as a workload's verified ID is matched
/// against it. The grammar is the router's, applied to the ID's path:
///
/// - `spiffe://demo.local/ns/prod/sa/gateway` matches exactly that ID;
/// - `*` matches any characters within one path segment: `spiffe://demo.local/ns/*/sa/gateway`
///   (the gateway of every namespace), `…/sa/gateway-*`;
/// - a final `/**` matches whatever remains (nothing included): `spiffe://demo.local/ns/prod/**`.
///
/// The trust domain is always literal — a wildcard there would let any CA's workloads in — and
/// is compared case-insensitively, as SPIFFE trust domains are lower case; the path is compared
/// exactly. A pattern that is not of this form (``isValid`` is `false`) matches nothing, and an
/// ID with a query, fragment, empty, `.` or `..` segment (which the SPIFFE ID specification
/// forbids) never matches: a policy fails closed rather than guess what either means.
public struct SPIFFEIDPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// The lower-cased trust domain, or `nil` when the pattern is not valid.
    private let trustDomain: String?
    /// The path's segments; a final `**` is kept as a segment of its own.
    private let segments: [Substring]

    /// Creates a pattern.
    ///
    /// - Parameter pattern: A SPIFFE ID, optionally with `*` within segments and a final `/**`.
    public init(_ pattern: String) {
        self.pattern = pattern
        guard let (domain, segments) = Self.split(pattern, wildcards: true),
            !domain.contains("*"),
            segments.enumerated().allSatisfy({ index, segment in
                segment == "**" ? index == segments.count - 1 : !segment.contains("**")
            })
        else {
            self.trustDomain = nil
            self.segments = []
            return
        }
        self.trustDomain = domain
        self.segments = segments
    }

    /// Whether the pattern is well formed; an invalid pattern matches nothing.
    public var isValid: Bool { trustDomain != nil }

    /// The pattern as written.
    public var description: String { pattern }

    /// Whether a verified SPIFFE ID matches.
    ///
    /// - Parameter spiffeID: The workload's SPIFFE ID, from its CA-verified certificate.
    /// - Returns: Whether this pattern allows it.
    public func matches(_ spiffeID: String) -> Bool {
        guard let trustDomain, let (domain, path) = Self.split(spiffeID, wildcards: false), domain == trustDomain else {
            return false
        }
        for (index, segment) in segments.enumerated() {
            if segment == "**", index == segments.count - 1 { return true }
            guard index < path.count, Self.glob(segment, matches: path[index]) else { return false }
        }
        return path.count == segments.count
    }

    /// `spiffe://DOMAIN/a/b` → (`domain`, [`a`, `b`]); `nil` for anything that is not a SPIFFE ID
    /// (the SPIFFE ID specification's characters: letters, digits, `-`, `.`, `_`; no query or
    /// fragment; no empty, `.` or `..` segment). A pattern may also hold `*`.
    private static func split(_ value: String, wildcards: Bool) -> (String, [Substring])? {
        let scheme = "spiffe://"
        guard value.count > scheme.count, value.prefix(scheme.count).lowercased() == scheme else { return nil }
        func allowed(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || "-._".contains(character) || (wildcards && character == "*"))
        }
        let rest = value.dropFirst(scheme.count)
        let domainEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let domain = rest[..<domainEnd].lowercased()
        guard !domain.isEmpty, domain.allSatisfy(allowed) else { return nil }
        guard domainEnd < rest.endIndex else { return (domain, []) }
        let segments = rest[rest.index(after: domainEnd)...].split(separator: "/", omittingEmptySubsequences: false)
        guard segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.allSatisfy(allowed) }) else { return nil }
        return (domain, segments)
    }

    /// Whether `text` matches `pattern`, where `*` stands for any run of characters.
    private static func glob(_ pattern: Substring, matches text: Substring) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]) else { return false }
        var rest = text.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = rest.firstRange(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        let last = parts[parts.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
