import ServiceAuthCore

/// IAM-style wildcard matching: `*` matches any run of characters (including `/` and none),
/// `?` matches exactly one character; everything else matches itself.
///
/// Linear-time greedy matching with backtracking to the last `*`, so hostile patterns or
/// resources cannot cause exponential work.
public enum WildcardPattern {
    /// Whether `value` matches `pattern`.
    public static func matches(_ pattern: String, _ value: String) -> Bool {
        let pattern = Array(pattern.unicodeScalars)
        let value = Array(value.unicodeScalars)
        var p = 0
        var v = 0
        var starPattern = -1
        var starValue = 0
        while v < value.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == value[v] {
                p += 1
                v += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starPattern = p
                starValue = v
                p += 1
            } else if starPattern >= 0 {
                p = starPattern + 1
                starValue += 1
                v = starValue
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
