import ServiceAuthCore

/// `application/x-www-form-urlencoded` serialisation, as RFC 6749 requires for token requests
/// (Appendix B) and for the client id and secret inside HTTP Basic credentials (§2.3.1).
///
/// Follows the WHATWG URL standard's serializer: ASCII alphanumerics and `*-._` stay, a space
/// becomes `+`, every other byte of the UTF-8 encoding becomes `%XX` (upper-case hex).
enum TokenFormEncoding {
    /// Encodes one name or value.
    static func encode(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                result.append("+")
            default:
                result.append("%")
                result.append(hexDigits[Int(byte >> 4)])
                result.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    /// Encodes name/value pairs, in order, joined with `&`.
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")
}
