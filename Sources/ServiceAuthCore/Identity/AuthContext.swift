public import ServiceContextModule

/// The verified identities of the request being handled.
///
/// Inbound middleware fills it in; the server makes it available to the handler through
/// ``RequestContext/auth`` and, without any plumbing, to every piece of code running inside
/// the request's task through ``AuthContext/current`` (it travels in swift-service-context's
/// `ServiceContext`, a task local). Outbound client middleware reads it there to propagate
/// the end user's token and the identity chain to the next hop.
public struct AuthContext: Sendable, Hashable {
    /// The values, shared by copies of this context until one of them changes (copy on
    /// write). A request's context is copied into its task local, its policy input and its
    /// handler's `RequestContext`; copying one reference is far cheaper than copying three
    /// identities field by field.
    private var storage: Storage

    /// Who called this service directly: a user, another service, an IAM role — or, when no
    /// token or signature proved one, the ``workload`` the connection's certificate proved
    /// (``RouteSecurity`` makes that choice once all the route's authenticators ran).
    public var caller: Identity? {
        get { storage.values.caller }
        set { uniqueStorage().values.caller = newValue }
    }
    /// The workload the connection's client certificate proved (mutual TLS, verified against
    /// the server's CA by the handshake; see ``MutualTLSAuthenticator``), beside whatever
    /// token or signature proved ``caller``. It is not a second caller credential: it says
    /// which machine the request came from, the token says who (or which client) it is for.
    public var workload: Identity? {
        get { storage.values.workload }
        set { uniqueStorage().values.workload = newValue }
    }
    /// The end user on whose behalf the call is made, when one was verified.
    public var user: Identity? {
        get { storage.values.user }
        set { uniqueStorage().values.user = newValue }
    }
    /// The raw token that proved ``user``; used to propagate the user to the next hop.
    ///
    /// It is a credential: never log it.
    public var userToken: String? {
        get { storage.values.userToken }
        set { uniqueStorage().values.userToken = newValue }
    }
    /// The services the request passed through before reaching this one, outermost first,
    /// as vouched for by a verified caller.
    public var chain: [String] {
        get { storage.values.chain }
        set { uniqueStorage().values.chain = newValue }
        // In place, so `context.chain.append(…)` does not copy the collection first.
        _modify { yield &uniqueStorage().values.chain }
    }
    /// Key-value context an authorizer attached to the request (API Gateway's authorizer
    /// `context`), for handlers and downstream calls.
    public var attributes: [String: String] {
        get { storage.values.attributes }
        set { uniqueStorage().values.attributes = newValue }
        // In place, so `context.attributes[key] = value` does not copy the collection first.
        _modify { yield &uniqueStorage().values.attributes }
    }

    /// Creates an authentication context.
    public init(
        caller: Identity? = nil,
        workload: Identity? = nil,
        user: Identity? = nil,
        userToken: String? = nil,
        chain: [String] = [],
        attributes: [String: String] = [:]
    ) {
        // Every request starts from an empty context; they all share one until filled in.
        let isEmpty = caller == nil && workload == nil && user == nil && userToken == nil && chain.isEmpty && attributes.isEmpty
        storage = isEmpty ? Self.empty
            : Storage(Values(caller: caller, workload: workload, user: user, userToken: userToken, chain: chain, attributes: attributes))
    }

    /// Two contexts are equal when their values are.
    public static func == (lhs: AuthContext, rhs: AuthContext) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.values == rhs.storage.values
    }

    /// Hashes the values.
    public func hash(into hasher: inout Hasher) { hasher.combine(storage.values) }

    private struct Values: Sendable, Hashable {
        var caller: Identity?
        var workload: Identity?
        var user: Identity?
        var userToken: String?
        var chain: [String] = []
        var attributes: [String: String] = [:]
    }

    // `@unchecked Sendable` is sound for the same reason it is for the standard library's
    // copy-on-write collections: `values` is only written through `uniqueStorage()`, after
    // `isKnownUniquelyReferenced` proved the writing `AuthContext` is the instance's only
    // owner. A context handed to another task shares the instance, so its reference count is
    // at least two and the first write on either side copies it; no instance is ever written
    // while another value (or thread) can read it.
    private final class Storage: @unchecked Sendable {
        var values: Values
        init(_ values: Values) { self.values = values }
    }

    private static let empty = Storage(Values())

    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.values) }
        return storage
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
