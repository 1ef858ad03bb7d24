public import ServiceAuth

/// The JSON a sample service answers on `/whoami` (shape fixed by CONTRACT.md).
struct WhoAmI: Encodable, Sendable {
    /// The caller as `/whoami` shows it.
    struct Caller: Encodable, Sendable {
        var kind: String
        var sub: String?
        var username: String?
        var clientId: String?
        var principal: String?
        var scopes: [String]
    }

    /// The end user as `/whoami` shows it.
    struct User: Encodable, Sendable {
        var sub: String?
        var username: String?
        var groups: [String]
    }

    var service: String
    var caller: Caller?
    var user: User?
    var chain: [String]

    init(service: String, auth: AuthContext) {
        self.service = service
        self.caller = auth.caller.map {
            Caller(kind: $0.kind.rawValue, sub: $0.subject, username: $0.username, clientId: $0.clientId,
                   principal: $0.principal, scopes: $0.scopes)
        }
        self.user = auth.user.map { User(sub: $0.subject, username: $0.username, groups: $0.groups) }
        self.chain = auth.chain
    }

    /// The JSON text, written directly: the same bytes as `JSONEncoder` with sorted keys
    /// gives (`user` as `null` when there is none, absent optionals left out), without its
    /// cost on a route every benchmark and health check calls.
    var jsonBytes: [UInt8] {
        var out = JSONText()
        out.object { object in
            object.member("caller") { value in
                guard let caller else { return value.null() }
                value.object { fields in
                    fields.optional("clientId", caller.clientId)
                    fields.member("kind") { $0.string(caller.kind) }
                    fields.optional("principal", caller.principal)
                    fields.member("scopes") { $0.strings(caller.scopes) }
                    fields.optional("sub", caller.sub)
                    fields.optional("username", caller.username)
                }
            }
            object.member("chain") { $0.strings(chain) }
            object.member("service") { $0.string(service) }
            object.member("user") { value in
                guard let user else { return value.null() }
                value.object { fields in
                    fields.member("groups") { $0.strings(user.groups) }
                    fields.optional("sub", user.sub)
                    fields.optional("username", user.username)
                }
            }
        }
        return out.bytes
    }

    // `user` is always present, as `null` when there is none.
    enum CodingKeys: String, CodingKey { case service, caller, user, chain }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encode(caller, forKey: .caller)
        try container.encode(user, forKey: .user)
        try container.encode(chain, forKey: .chain)
    }
}

/// One entry of a business response's `hops` array: what one service verified.
public struct Hop: Codable, Sendable, Hashable {
    /// The service that verified.
    public var service: String
    /// Its direct caller, by display name.
    public var caller: String?
    /// The end user it verified, by username.
    public var user: String?
    /// The services the request had passed through before this one, as its caller vouched.
    public var chain: [String]
    /// A readable summary, e.g. `user alice via gateway → orders`.
    public var summary: String

    /// Creates the hop for `service` from the request's verified identities.
    public init(service: String, auth: AuthContext) {
        self.service = service
        self.caller = auth.caller?.displayName
        self.user = auth.user?.username ?? auth.user?.subject
        self.chain = auth.chain
        self.summary = auth.summary
    }

    // `caller` and `user` are always present, as `null` when absent (CONTRACT.md's shape).
    enum CodingKeys: String, CodingKey { case service, caller, user, chain, summary }
    /// Encodes the hop with explicit `null`s.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(service, forKey: .service)
        try container.encode(caller, forKey: .caller)
        try container.encode(user, forKey: .user)
        try container.encode(chain, forKey: .chain)
        try container.encode(summary, forKey: .summary)
    }
}
