public import Logging

/// What the server knows about a request besides its head and body.
///
/// Server middleware receive it, may change it and pass it on with `next`. The verified
/// identities (``auth``) are set only by the route's ``RouteSecurity``, at the same moment as
/// ``AuthContext/current``, so the two never disagree.
public struct RequestContext: Sendable {
    /// The verified identities; empty until the route's ``RouteSecurity`` fills them in.
    public package(set) var auth: AuthContext
    /// The path pattern of the route that matched the request (e.g. `/orders/{id}`), if any.
    public var routePattern: String?
    /// The OpenAPI operation the request was routed to (its `operationId`), when it arrived
    /// through an OpenAPI transport; the OpenAPI adapter knows operations, not path patterns.
    public var operationID: String?
    /// Values of the route's path parameters, by name.
    public var pathParameters: [String: String]
    /// The peer's address, for logs.
    public var remoteAddress: String?
    /// The local port the request arrived on, when the server knows it: what a SigV4 verifier
    /// compares a signed `Host`'s port with (``SigV4AcceptedHosts/listening(host:additionalNames:)``).
    public var localPort: Int?
    /// The client certificate the connection was authenticated with, when the request arrived
    /// over mutual TLS and the handshake verified it against the server's trusted CA.
    public var peerCertificate: PeerCertificate?
    /// Whether the request arrived over TLS.
    public var isSecure: Bool
    /// A logger carrying request metadata.
    public var logger: Logger
    /// The innermost step a prebuilt ``ServerMiddlewareChain`` ends in for this request (the
    /// matched route's protected handler).
    package var endpoint: ServerNext?

    /// Creates a request context.
    public init(
        auth: AuthContext = AuthContext(),
        routePattern: String? = nil,
        operationID: String? = nil,
        pathParameters: [String: String] = [:],
        remoteAddress: String? = nil,
        localPort: Int? = nil,
        peerCertificate: PeerCertificate? = nil,
        isSecure: Bool = false,
        logger: Logger = Logger(label: "serviceauth.request")
    ) {
        self.peerCertificate = peerCertificate
        self.isSecure = isSecure || peerCertificate != nil
        self.auth = auth
        self.routePattern = routePattern
        self.operationID = operationID
        self.pathParameters = pathParameters
        self.remoteAddress = remoteAddress
        self.localPort = localPort
        self.logger = logger
    }
}
