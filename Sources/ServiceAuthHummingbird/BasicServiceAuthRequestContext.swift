public import Hummingbird
public import NIOCore
public import ServiceAuthCore

/// A ready-made ``ServiceAuthRequestContext``, as hummingbird-auth's `BasicAuthRequestContext`
/// is for other identities: the core context, the verified ``AuthContext``, and the
/// connection's local port and peer address (for SigV4's host binding and for logs).
///
/// ```swift
/// let router = Router(context: BasicServiceAuthRequestContext.self)
/// ```
public struct BasicServiceAuthRequestContext: ServiceAuthRequestContext, RemoteAddressRequestContext {
    /// The core context.
    public var coreContext: CoreRequestContextStorage
    /// The verified identities; `nil` until an authenticator proved something.
    public var identity: AuthContext?
    /// The local port of the connection, if it has one.
    public let localPort: Int?
    /// The peer's address, if the connection has one.
    public let remoteAddress: SocketAddress?

    /// Creates the context for a request arriving on `source.channel`.
    ///
    /// - Parameter source: The application's request source.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.localPort = source.channel.localAddress?.port
        self.remoteAddress = source.channel.remoteAddress
    }
}
