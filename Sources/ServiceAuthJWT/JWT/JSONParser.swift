import Foundation
import ServiceAuthCore

/// A strict RFC 8259 JSON parser over a byte buffer.
///
/// Why not `JSONSerialization`: JWT verification must cost little more than the signature
/// check itself, and `JSONSerialization` alone costs several times a JOSE header's worth of
/// work while producing untyped, non-`Sendable` values. Why this is safe to hand-write: it is
/// a complete grammar, not a scanner — every byte is consumed by a rule, anything else is an
/// error — and it is stricter than Foundation where ambiguity could be exploited
/// (duplicate keys, lone surrogates, invalid UTF-8). Recursion is bounded by `maxDepth`; the
/// input size is bounded by the caller. The tests compare it with `JSONSerialization` on
/// random and mutated inputs.
struct JSONParser: ~Copyable {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let maxDepth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected content after the value") }
        return value
    }

    private func fail(_ reason: String) -> JSONParseError {
        JSONParseError(reason: reason, offset: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw fail("unexpected end of input") }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] {
            throw fail("invalid literal")
        }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting too deep") }
        index += 1  // {
        // Room for a typical claim set up front: growing a dictionary rehashes every member.
        var members: [String: JSONValue] = Dictionary(minimumCapacity: 16)
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            // Duplicate names are where parsers disagree (first wins vs last wins), which is
            // how a token can mean different things to different verifiers: reject them.
            guard members.updateValue(value, forKey: key) == nil else { throw fail("duplicate member name") }
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            index += 1
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting too deep") }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
            index += 1
            return .array(elements)
        }
    }

    /// Parses a string starting at its opening quote.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        var nonASCII: UInt8 = 0
        // Fast path: no escapes. Pure ASCII needs no further validation (the common case in
        // JWTs); anything else is validated as UTF-8 once over the whole run.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                let string: String
                if nonASCII & 0x80 == 0 {
                    string = String(decoding: run, as: UTF8.self)
                } else {
                    guard let validated = String(validating: run, as: UTF8.self) else { throw fail("invalid UTF-8") }
                    string = validated
                }
                index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw fail("control character in string") }
            nonASCII |= byte
            index += 1
        }
        guard index < bytes.count else { throw fail("unterminated string") }
        // Slow path: decode escapes into a byte buffer, then validate it as UTF-8.
        var decoded = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: decoded, as: UTF8.self) else { throw fail("invalid UTF-8") }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): decoded.append(0x22)
                case UInt8(ascii: "\\"): decoded.append(0x5C)
                case UInt8(ascii: "/"): decoded.append(0x2F)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    decoded.append(contentsOf: UTF8.encode(scalar)!)
                default: throw fail("invalid escape")
                }
            default:
                guard byte >= 0x20 else { throw fail("control character in string") }
                decoded.append(byte)
                index += 1
            }
        }
        throw fail("unterminated string")
    }

    /// Parses the hex digits after `\u`, combining a surrogate pair into one scalar.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = try parseHex4()
        switch first {
        case 0xD800...0xDBFF:
            guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("lone surrogate")
            }
            index += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw fail("lone surrogate") }
            let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw fail("invalid code point") }
            return scalar
        case 0xDC00...0xDFFF:
            throw fail("lone surrogate")
        default:
            guard let scalar = Unicode.Scalar(first) else { throw fail("invalid code point") }
            return scalar
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Parses a number per the RFC 8259 grammar; the result must be finite.
    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let length = index - start
        // Fast path for the common case (numeric dates): an integer small enough to be exact.
        if isInteger, length <= 16 {
            var value: Int64 = 0
            var position = start
            let negative = bytes[position] == UInt8(ascii: "-")
            if negative { position += 1 }
            while position < index {
                value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            return Double(negative ? -value : value)
        }
        guard length <= 512 else { throw fail("number too long") }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
        return value
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

extension JSONParser {
    /// One strict pass over a top-level object that builds values only for the members named
    /// in `names` and merely validates the rest.
    ///
    /// Why: the verifier reads about a dozen claims of a token, yet building a dictionary of
    /// every member (string copies, hashing, inserts, and tearing it all down again) cost more
    /// than the rest of the JOSE layer. Strictness is unchanged because this pass never
    /// decides a doubtful input: it returns `nil` whenever the input is invalid *or* outside
    /// its fast subset (a member name with an escape or a non-ASCII byte, where string
    /// equality is not byte equality), and the caller then runs the full parser, which gives
    /// the verdict and the error. What it accepts, the full parser accepts with the same
    /// values: every value is consumed by the same grammar rules, unselected ASCII strings are
    /// checked byte by byte as the full parser's fast path does, and duplicate names are
    /// rejected by comparing the names' bytes.
    ///
    /// - Parameter names: The member names wanted.
    /// - Returns: The wanted members' values in `names` order (`nil` where absent), or `nil`
    ///   when the full parser must decide.
    mutating func parseSelectedMembers(_ names: WantedMemberNames) -> [JSONValue?]? {
        // Every member name, packed (see `MemberName`), for the duplicate check: on the stack,
        // so a claim set costs no allocation for it. An object with more members than this
        // goes to the full parser, which decides duplicates (and everything else) itself:
        // slower for such (hostile) objects, still bounded by the token size limit, and the
        // fallback is what keeps the verdict exact — do not drop it.
        withUnsafeTemporaryAllocation(of: MemberName.self, capacity: 64) { keys in
            do throws(JSONParseError) {
                return try parseSelectedMembersOrThrow(names, keys: keys)
            } catch {
                return nil
            }
        }
    }

    private mutating func parseSelectedMembersOrThrow(
        _ names: WantedMemberNames, keys: UnsafeMutableBufferPointer<MemberName>
    ) throws(JSONParseError) -> [JSONValue?]? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{"), maxDepth >= 1 else { return nil }
        index += 1
        var values = [JSONValue?](repeating: nil, count: names.count)
        var keyCount = 0
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
                let keyStart = index
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") { break }
                    // Escapes, control characters and non-ASCII: leave it to the full parser.
                    guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
                    index += 1
                }
                guard index < bytes.count else { return nil }
                let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<index])
                index += 1  // closing quote
                guard keyCount < keys.count, keyStart <= Int(UInt32.max), key.count <= Int(UInt16.max) else { return nil }
                keys[keyCount] = MemberName(start: keyStart, count: key.count, in: bytes)
                keyCount += 1
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipWhitespace()
                if let wanted = names.position(of: key) {
                    values[wanted] = try parseValue(depth: 1)
                } else {
                    try skipValue()
                }
                skipWhitespace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count, !hasDuplicateKey(keys, count: keyCount) else { return nil }
        return values
    }

    /// Validates a member value the caller does not read. An ASCII string without escapes
    /// (the usual unread claim) is scanned without building a `String`; anything else goes
    /// through the full rules and is discarded.
    private mutating func skipValue() throws(JSONParseError) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            _ = try parseValue(depth: 1)
            return
        }
        let start = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { break }
            index += 1
        }
        // Escapes, non-ASCII or an error: rescan with the full string rules.
        index = start
        _ = try parseString()
    }

    /// Whether two of the first `count` member names have the same bytes (ASCII names: same
    /// bytes, same string). Pairwise, as a claim set has a few dozen members at most: names
    /// that differ in length, first or last byte are told apart without reading them.
    private func hasDuplicateKey(_ keys: UnsafeMutableBufferPointer<MemberName>, count: Int) -> Bool {
        guard count > 1, let base = bytes.baseAddress else { return false }
        for i in 0..<(count - 1) {
            let a = keys[i]
            for j in (i + 1)..<count {
                let b = keys[j]
                if a.summary == b.summary, memcmp(base + a.start, base + b.start, a.count) == 0 { return true }
            }
        }
        return false
    }
}

/// A member name's place in the text, packed into one word for the duplicate check: its start
/// (32 bits), and a summary — length (16 bits), first and last byte — that differs for most
/// pairs of different names.
struct MemberName: BitwiseCopyable {
    private let packed: UInt64

    init(start: Int, count: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        let first = count > 0 ? UInt64(bytes[start]) : 0
        let last = count > 0 ? UInt64(bytes[start + count - 1]) : 0
        packed = UInt64(count) << 48 | first << 40 | last << 32 | UInt64(UInt32(truncatingIfNeeded: start))
    }

    var start: Int { Int(packed & 0xFFFF_FFFF) }
    var count: Int { Int(packed >> 48) }
    /// Length, first and last byte: equal for equal names.
    var summary: UInt64 { packed >> 32 }
}
