/// The host and port of an authority (`host`, `host:port`, `[v6]:port`), parsed strictly: the
/// one reading of a URL's or a `Host` header's authority that the loopback decision and the SigV4
/// host binding share, so the two can never disagree about which host a request names.
package struct Authority {
    /// The host as written, an IPv6 literal with its brackets (`[::1]`).
    package let host: Substring
    /// The host without IPv6 brackets (`::1`).
    package let bareHost: Substring
    /// The port, if one is given.
    package let port: Int?

    /// Parses `text`.
    ///
    /// - Parameter text: An authority without scheme or path.
    /// - Returns: `nil` for userinfo (`@`), an unclosed `[`, anything after `]` but `:port`, a
    ///   port that is not 1–5 digits up to 65535, or an empty host.
    package init?(_ text: Substring) {
        guard !text.contains("@") else { return nil }
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[...close]
            bareHost = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(after: close)...]
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            bareHost = host
            portPart = text[colon...]
        } else {
            host = text
            bareHost = text
            portPart = ""
        }
        if portPart.isEmpty {
            port = nil
        } else {
            let digits = portPart.dropFirst()
            guard portPart.first == ":", !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(digits), value <= 65_535
            else { return nil }
            port = value
        }
        guard !bareHost.isEmpty else { return nil }
    }
}
