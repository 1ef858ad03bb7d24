public import HTTPTypes

/// Decides whether a URL's host is the loopback interface, where plain HTTP never leaves the
/// machine.
///
/// The decision is made on the parsed host, never on a string prefix: `127.evil.example`,
/// `localhost.evil` and `localhost@evil` are ordinary (remote) names. Loopback is exactly:
/// the name `localhost` (RFC 6761 §6.3; with an optional trailing dot), a dotted-quad IPv4
/// address in `127.0.0.0/8` written in canonical decimal, and the IPv6 address `[::1]`.
public enum LoopbackHost {
    /// Whether `request` may be sent: any `https` request, and any other (plain `http`) only to the
    /// loopback interface unless `allowInsecureHTTP` says otherwise. The one rule every fetch of
    /// keys or credentials (JWKS, token endpoint, STS) applies.
    ///
    /// - Parameters:
    ///   - request: The outgoing request.
    ///   - allowInsecureHTTP: The caller's explicit opt-in to plain `http` off the machine.
    /// - Returns: `false` for plain `http` to a host that is not loopback, without the opt-in.
    public static func permitsPlainHTTP(_ request: HTTPRequest, allowInsecureHTTP: Bool) -> Bool {
        // Fail closed: only `https` (in any case, as URLs allow) counts as encrypted; `HTTP://`,
        // a missing scheme or any other is treated as plain.
        request.scheme?.lowercased() == "https" || allowInsecureHTTP || isLoopback(authority: request.authority ?? "")
    }

    /// Whether an authority (`host`, `host:port`, `[v6]:port`) names the loopback interface.
    ///
    /// - Parameter authority: The authority of a request or URL, without userinfo.
    /// - Returns: `false` for anything else, including any authority with userinfo (`@`).
    public static func isLoopback(authority: some StringProtocol) -> Bool {
        guard let authority = Authority(Substring(authority)) else { return false }
        return isLoopback(host: authority.bareHost)
    }

    /// Whether an absolute `http(s)` URL's host is the loopback interface.
    ///
    /// - Parameter url: An absolute URL such as `http://127.0.0.1:9000/path`.
    /// - Returns: `false` for anything that is not an absolute URL with a loopback host.
    public static func isLoopback(url: some StringProtocol) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        let rest = url[schemeEnd.upperBound...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        return isLoopback(authority: rest[..<end])
    }

    /// Whether a bare host (no port, IPv6 without brackets) is the loopback interface.
    ///
    /// - Parameter host: A host name or address literal.
    /// - Returns: Whether it is `localhost`, `127.x.y.z` or `::1`.
    public static func isLoopback(host: some StringProtocol) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "localhost." { return true }
        if lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        return ipv4Octets(lowered)?.first == 127
    }

    /// The four octets of a canonical dotted-decimal IPv4 address (no leading zeros, which
    /// some resolvers read as octal), or `nil`.
    private static func ipv4Octets(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || part.first != "0", let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }
}
