import ServiceAuthCore

/// The `Host` values a SigV4 signature may name for this service.
///
/// The credential scope binds a signature to a region and a service name, but every service
/// of the same kind in a region shares those: without a host check, a request signed for
/// `orders.internal` verifies at `billing.internal` too. The signed `Host` header is the only
/// part of the request that names the target, so a verifier must accept only its own names.
///
/// A name without a port (`inventory.internal`, `127.0.0.1`, `[::1]`) matches that host with
/// any port or none; a name with a port (`inventory.internal:8443`) matches exactly. Matching is
/// case-insensitive, as host names are.
public struct SigV4AcceptedHosts: Sendable, Hashable {
    private let names: Set<String>
    private let namesWithPort: Set<String>
    /// Names accepted on the port the request arrived on (or with no port).
    private var listeningNames: Set<String> = []
    /// Whether any host is accepted.
    public let acceptsAnyHost: Bool

    /// Accepts these host names (see the type's discussion for how ports match).
    ///
    /// - Parameter names: The service's own names; an empty list accepts no request.
    /// - Returns: The rule.
    public static func names(_ names: [String]) -> SigV4AcceptedHosts {
        SigV4AcceptedHosts(names: names)
    }

    /// Accepts any `Host`: only for a service that cannot know its names (e.g. an STS-like
    /// endpoint reached under whatever name a developer typed) and whose credential scope is
    /// unique to it.
    public static let anyHost = SigV4AcceptedHosts(acceptsAnyHost: true)

    /// The names a server listening on `host` answers to — the address itself and `localhost`
    /// — on the port the request arrived on (``RequestContext/localPort``), with or without the
    /// port in `Host`; plus `additionalNames` as given (see ``names(_:)``). For a wildcard address
    /// (`0.0.0.0`, `::`) only the loopback names are implied: give a deployed service its names.
    ///
    /// - Parameters:
    ///   - host: The address the server listens on.
    ///   - additionalNames: Further names (e.g. from `--host-name`).
    /// - Returns: The rule.
    public static func listening(host: String, additionalNames: [String] = []) -> SigV4AcceptedHosts {
        let lowered = host.lowercased()
        var own = ["localhost", lowered.contains(":") && !lowered.hasPrefix("[") ? "[\(lowered)]" : lowered]
        if lowered == "0.0.0.0" || lowered == "::" || lowered == "[::]" { own = ["localhost", "127.0.0.1", "[::1]"] }
        var rule = SigV4AcceptedHosts(names: additionalNames)
        rule.listeningNames = Set(own)
        return rule
    }

    private init(names: [String]) {
        var plain = Set<String>()
        var withPort = Set<String>()
        for name in names {
            let lowered = name.lowercased()
            if Authority(Substring(lowered))?.port != nil { withPort.insert(lowered) } else { plain.insert(lowered) }
        }
        self.names = plain
        self.namesWithPort = withPort
        self.acceptsAnyHost = false
    }

    private init(acceptsAnyHost: Bool) {
        self.names = []
        self.namesWithPort = []
        self.acceptsAnyHost = acceptsAnyHost
    }

    /// Whether a request's `Host` value is one of the accepted names.
    ///
    /// - Parameters:
    ///   - host: The `Host` header (or `:authority`) as received.
    ///   - localPort: The port the request arrived on, if known; without it a listening name
    ///     matches only a `Host` without a port.
    /// - Returns: Whether it is accepted.
    public func accepts(_ host: some StringProtocol, localPort: Int? = nil) -> Bool {
        if acceptsAnyHost { return true }
        let lowered = host.lowercased()
        if namesWithPort.contains(lowered) { return true }
        // A Host that is not a well-formed authority (`[::1].evil`, userinfo) names nothing.
        guard let authority = Authority(Substring(lowered)) else { return false }
        let name = String(authority.host)
        if names.contains(name) { return true }
        guard listeningNames.contains(name) else { return false }
        guard let port = authority.port else { return true }
        return localPort == port
    }
}
