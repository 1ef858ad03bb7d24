/// The fields of an `application/x-www-form-urlencoded` body or a URL query.
///
/// Decoding is strict so that hostile input cannot confuse the endpoints: invalid percent
/// escapes or UTF-8 fail, and a repeated name is remembered so the OAuth endpoint can reject
/// it (RFC 6749 §3.2: parameters "MUST NOT be included more than once").
struct FormFields: Sendable {
    private(set) var values: [String: String] = [:]
    private(set) var repeatedNames: [String] = []

    /// The most fields a request may carry; more is treated as malformed.
    static let maxFields = 64

    subscript(name: String) -> String? { values[name] }

    /// Parses `a=1&b=2`; `nil` when malformed.
    init?(encoded: some Collection<UInt8>) {
        guard !encoded.isEmpty else { return }
        let pairs = encoded.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
        guard pairs.count <= Self.maxFields else { return nil }
        for pair in pairs {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty,
                let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            else { return nil }
            if values.updateValue(value, forKey: name) != nil { repeatedNames.append(name) }
        }
    }

    /// Decodes one percent-encoded component, `+` meaning space.
    private static func decode(_ bytes: some Collection<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                out.append(high << 4 | low)
            default: out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
