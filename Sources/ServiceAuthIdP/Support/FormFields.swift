import ServiceAuth

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
        PercentEncoding.decodeStrictly(bytes, plusAsSpace: true).flatMap { String(validating: $0, as: UTF8.self) }
    }
}
