/// Builds one path segment from an arbitrary value, for calls to the next hop.
///
/// A value taken from an inbound request (a decoded path parameter such as `../../whoami`)
/// must reach the next service as one opaque segment: every byte but RFC 3986's unreserved
/// characters is percent-encoded, `/` included, and a value that is exactly `.` or `..` has its
/// dots encoded too, so no router, proxy or client can read it as a dot segment.
public enum PathSegment {
    /// The percent-encoded segment for `value`.
    ///
    /// - Parameter value: Any string.
    /// - Returns: The segment, safe to place between two `/`.
    public static func encode(_ value: some StringProtocol) -> String {
        let bytes = Array(value.utf8)
        let encodeDots = bytes == [UInt8(ascii: ".")] || bytes == [UInt8(ascii: "."), UInt8(ascii: ".")]
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: ".") where !encodeDots:
                output.append(byte)
            default:
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
