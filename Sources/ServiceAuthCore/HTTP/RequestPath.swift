/// The path part of a request target, shared by everything that routes or authorizes on it.
package enum RequestPath {
    /// `target` up to (not including) the first `?`: the path without its query.
    package static func withoutQuery(_ target: String) -> Substring {
        target[..<(target.firstIndex(of: "?") ?? target.endIndex)]
    }

    /// The path's segments as the router matches them: the query dropped, empty segments
    /// (`//`, a trailing `/`) omitted.
    package static func segments(_ target: String) -> [Substring] {
        withoutQuery(target).split(separator: "/", omittingEmptySubsequences: true)
    }

    /// A segment percent-decoded, or the segment itself when it is not valid percent-encoding
    /// of UTF-8.
    package static func decoded(_ segment: Substring) -> String {
        guard segment.contains("%"), let bytes = PercentEncoding.decodeStrictly(segment.utf8, plusAsSpace: false) else {
            return String(segment)
        }
        return String(validating: bytes, as: UTF8.self) ?? String(segment)
    }
}
