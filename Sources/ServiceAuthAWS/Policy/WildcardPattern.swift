import ServiceAuthCore

/// IAM-style wildcard matching: `*` matches any run of characters (including `/` and none),
/// `?` matches exactly one character; everything else matches itself.
///
/// Linear-time greedy matching with backtracking to the last `*`, so hostile patterns or
/// resources cannot cause exponential work.
public enum WildcardPattern {
    /// Whether `value` matches `pattern`.
    public static func matches(_ pattern: String, _ value: String) -> Bool {
        // ARNs and actions are ASCII: match their bytes in place (a "character" is then one
        // byte), without copying both into arrays of scalars on every request.
        var pattern = pattern
        var value = value
        let ascii = pattern.withUTF8 { patternBytes in
            value.withUTF8 { valueBytes -> Bool? in
                guard patternBytes.allSatisfy({ $0 < 0x80 }), valueBytes.allSatisfy({ $0 < 0x80 }) else { return nil }
                return matches(patternBytes, valueBytes, any: UInt8(ascii: "?"), run: UInt8(ascii: "*"))
            }
        }
        if let ascii { return ascii }
        return matches(Array(pattern.unicodeScalars), Array(value.unicodeScalars), any: "?", run: "*")
    }

    /// The matcher over elements (bytes of ASCII text, or Unicode scalars).
    private static func matches<Text: RandomAccessCollection>(
        _ pattern: Text, _ value: Text, any: Text.Element, run: Text.Element
    ) -> Bool where Text.Element: Equatable, Text.Index == Int {
        var p = pattern.startIndex
        var v = value.startIndex
        var starPattern = -1
        var starValue = 0
        while v < value.endIndex {
            if p < pattern.endIndex, pattern[p] == any || pattern[p] == value[v] {
                p += 1
                v += 1
            } else if p < pattern.endIndex, pattern[p] == run {
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
        while p < pattern.endIndex, pattern[p] == run { p += 1 }
        return p == pattern.endIndex
    }
}
