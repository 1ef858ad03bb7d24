/// The path part of a request target, shared by everything that routes or authorizes on it.
package enum RequestPath {
    /// `target` up to (not including) the first `?`: the path without its query.
    package static func withoutQuery(_ target: String) -> Substring {
        target[..<(target.firstIndex(of: "?") ?? target.endIndex)]
    }
}
