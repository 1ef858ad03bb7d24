#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The network-order bytes of an IP address's text form, as an `iPAddress` SAN holds them
/// (RFC 5280 §4.2.1.6: 4 bytes for IPv4, 16 for IPv6).
enum IPAddressBytes {
    /// Parses `127.0.0.1` or `::1`.
    ///
    /// - Parameter text: The address.
    /// - Returns: Its bytes, or `nil` when it is not an address.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
