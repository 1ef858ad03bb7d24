public import HummingbirdAuth
public import ServiceAuthCore

/// A Hummingbird request context whose authenticated identity is the package's ``AuthContext``.
///
/// It is hummingbird-auth's `AuthRequestContext` with `Identity == AuthContext`, so
/// ``ServiceAuthAuthenticator`` can record what a core ``Authenticator`` proved and
/// hummingbird-auth's own middleware (`IsAuthenticatedMiddleware`, `requireIdentity()`) work
/// unchanged. Use ``BasicServiceAuthRequestContext`` or conform your own context:
///
/// ```swift
/// struct AppContext: ServiceAuthRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var identity: AuthContext?
///     init(source: ApplicationRequestContextSource) {
///         coreContext = .init(source: source)
///         identity = nil
///     }
/// }
/// ```
public protocol ServiceAuthRequestContext: AuthRequestContext where Identity == AuthContext {
    /// The local port the request arrived on, when known: what a SigV4 verifier compares the
    /// signed `Host`'s port with (`SigV4AcceptedHosts.listening(host:additionalNames:)`).
    /// `nil` by default.
    var localPort: Int? { get }
}

extension ServiceAuthRequestContext {
    /// Not known unless the context records it (``BasicServiceAuthRequestContext`` does).
    public var localPort: Int? { nil }
}
