import ServiceAuthCore

/// IAM-style wildcard matching: `*` matches any run of Unicode scalars (including `/`, and
/// none), `?` matches exactly one Unicode scalar; everything else matches itself, scalar for
/// scalar (not under canonical equivalence).
///
/// Greedy matching that backtracks only to the last `*`: at most O(|pattern| · |value|) steps,
/// never exponential, whatever a hostile pattern or resource holds.
public enum WildcardPattern {
    /// Whether `value` matches `pattern`.
    ///
    /// - Parameters:
    ///   - pattern: The pattern, with `*` and `?` wildcards.
    ///   - value: The text to match.
    ///   - ignoringCase: Whether letters match in either case (IAM actions do; resources and
    ///     principals do not).
    public static func matches(_ pattern: String, _ value: String, ignoringCase: Bool = false) -> Bool {
        // Matched on the UTF-8 bytes in place where that gives the same answer as matching
        // Unicode scalars: always for `*` and literals (UTF-8 is self-synchronising, so a
        // literal can only match at a scalar boundary), but `?` is one scalar, not one byte,
        // and case folding is ASCII-only here — those need ASCII text on both sides.
        var pattern = pattern
        var value = value
        let ascii = pattern.withUTF8 { patternBytes in
            value.withUTF8 { valueBytes -> Bool? in
                if ignoringCase || patternBytes.contains(UInt8(ascii: "?")) {
                    guard patternBytes.allSatisfy({ $0 < 0x80 }), valueBytes.allSatisfy({ $0 < 0x80 }) else { return nil }
                }
                return ignoringCase
                    ? matches(patternBytes, valueBytes, any: UInt8(ascii: "?"), run: UInt8(ascii: "*"), fold: asciiLowercase)
                    : matches(patternBytes, valueBytes, any: UInt8(ascii: "?"), run: UInt8(ascii: "*"), fold: { $0 })
            }
        }
        if let ascii { return ascii }
        if ignoringCase { return matches(pattern.lowercased(), value.lowercased()) }
        return matches(Array(pattern.unicodeScalars), Array(value.unicodeScalars), any: "?", run: "*", fold: { $0 })
    }

    /// An ASCII letter in lower case; any other byte unchanged.
    @inline(__always)
    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// The matcher over elements (bytes of ASCII text, or Unicode scalars).
    /// `fold` maps an element to the form compared (identity, or lower case for ASCII).
    @inline(__always)
    private static func matches<Text: RandomAccessCollection>(
        _ pattern: Text, _ value: Text, any: Text.Element, run: Text.Element, fold: (Text.Element) -> Text.Element
    ) -> Bool where Text.Element: Equatable, Text.Index == Int {
        var p = pattern.startIndex
        var v = value.startIndex
        var starPattern = -1
        var starValue = 0
        while v < value.endIndex {
            // A `*` in the pattern is always a wildcard, also where the value holds a `*`
            // (a decoded `%2A` in a path): taken as a literal there, it would not backtrack,
            // and `orders/*/secret` would miss `orders/*/a/secret`.
            if p < pattern.endIndex, pattern[p] == run {
                starPattern = p
                starValue = v
                p += 1
            } else if p < pattern.endIndex, pattern[p] == any || fold(pattern[p]) == fold(value[v]) {
                p += 1
                v += 1
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
