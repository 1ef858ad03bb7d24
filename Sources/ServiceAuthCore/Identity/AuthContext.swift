public import ServiceContextModule

/// The verified identities of the request being handled.
///
/// Inbound middleware fills it in; the server makes it available to the handler through
/// ``RequestContext/auth`` and, without any plumbing, to every piece of code running inside
/// the request's task through ``AuthContext/current`` (it travels in swift-service-context's
/// `ServiceContext`, a task local). Outbound client middleware reads it there to propagate
/// the end user's token and the identity chain to the next hop.
public struct AuthContext: Sendable, Hashable {
    /// Who called this service directly: a user, another service, an IAM role — or, when no
    /// token or signature proved one, the ``workload`` the connection's certificate proved
    /// (``RouteSecurity`` makes that choice once all the route's authenticators ran).
    public var caller: Identity?
    /// The workload the connection's client certificate proved (mutual TLS, verified against
    /// the server's CA by the handshake; see ``MutualTLSAuthenticator``), beside whatever
    /// token or signature proved ``caller``. It is not a second caller credential: it says
    /// which machine the request came from, the token says who (or which client) it is for.
    public var workload: Identity?
    /// The end user on whose behalf the call is made, when one was verified.
    public var user: Identity?
    /// The raw token that proved ``user``; used to propagate the user to the next hop.
    ///
    /// It is a credential: never log it.
    public var userToken: String?
    /// The services the request passed through before reaching this one, outermost first,
    /// as vouched for by a verified caller.
    public var chain: [String]
    /// Key-value context an authorizer attached to the request (API Gateway's authorizer
    /// `context`), for handlers and downstream calls.
    public var attributes: [String: String]

    /// Creates an authentication context.
    public init(
        caller: Identity? = nil,
        workload: Identity? = nil,
        user: Identity? = nil,
        userToken: String? = nil,
        chain: [String] = [],
        attributes: [String: String] = [:]
    ) {
        self.caller = caller
        self.workload = workload
        self.user = user
        self.userToken = userToken
        self.chain = chain
        self.attributes = attributes
    }

    /// Whether a caller was proved: by a token or signature (``caller``) or by the connection's
    /// client certificate (``workload``). A propagated ``user`` alone is not authentication: it
    /// says on whose behalf a caller acts, not who calls.
    public var isAuthenticated: Bool { caller != nil || workload != nil }

    /// Makes the proved ``workload`` the ``caller`` when no token or signature proved one, so
    /// an mTLS-only route has a caller for its policy and handler. A caller proved by a
    /// credential in the request stays the caller: the certificate names the machine, and the
    /// credential may name a client or user that machine acts for.
    public mutating func adoptWorkloadAsCaller() {
        if caller == nil, let workload { caller = workload }
    }

    /// The authentication context of the request the current task is handling, if any.
    public static var current: AuthContext? {
        ServiceContext.current?.authContext
    }

    /// Runs `operation` with `context` as ``current`` (and in `ServiceContext.current`).
    ///
    /// - Parameters:
    ///   - context: The context to make current.
    ///   - operation: The work to run.
    /// - Returns: What `operation` returns.
    /// - Throws: What `operation` throws.
    public static func withCurrent<T: Sendable>(
        _ context: AuthContext,
        operation: () async throws -> T
    ) async rethrows -> T {
        var serviceContext = ServiceContext.current ?? .topLevel
        serviceContext.authContext = context
        return try await ServiceContext.withValue(serviceContext, operation: operation)
    }

    /// A readable summary such as `user alice via gateway → orders`.
    public var summary: String {
        var parts: [String] = []
        if let user { parts.append("user \(user.displayName)") }
        let hops = chain
        if !hops.isEmpty { parts.append("via " + hops.joined(separator: " → ")) }
        if parts.isEmpty, let caller = caller ?? workload { parts.append("\(caller.kind.rawValue) \(caller.displayName)") }
        return parts.isEmpty ? "anonymous" : parts.joined(separator: " ")
    }
}

/// The `ServiceContext` key under which the request's ``AuthContext`` travels.
public enum AuthContextKey: ServiceContextKey {
    /// The stored value.
    public typealias Value = AuthContext
    /// The key's name, for tracing backends that list context keys.
    public static var nameOverride: String? { "serviceauth.auth-context" }
}

extension ServiceContext {
    /// The verified identities of the request this task is handling.
    public var authContext: AuthContext? {
        get { self[AuthContextKey.self] }
        set { self[AuthContextKey.self] = newValue }
    }
}
