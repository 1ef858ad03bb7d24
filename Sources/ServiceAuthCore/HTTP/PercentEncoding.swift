/// Percent-decoding (RFC 3986 §2.1) shared by the router, the SigV4 canonicaliser and the local
/// issuer's form parser, so every component reads escapes the same way.
package enum PercentEncoding {
    /// The value of one hexadecimal digit, or `nil`.
    @inline(__always)
    package static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Decodes `%XX` escapes strictly: an incomplete or non-hex escape fails.
    ///
    /// - Parameters:
    ///   - bytes: The encoded bytes.
    ///   - plusAsSpace: Whether `+` means a space (`application/x-www-form-urlencoded`).
    /// - Returns: The decoded bytes, or `nil` for an invalid escape.
    package static func decodeStrictly(_ bytes: some Collection<UInt8>, plusAsSpace: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+") where plusAsSpace:
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                out.append(high << 4 | low)
            default:
                out.append(byte)
            }
        }
        return out
    }
}
