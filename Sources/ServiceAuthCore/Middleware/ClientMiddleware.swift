public import HTTPTypes

/// The continuation a client middleware calls to pass the request on.
public typealias ClientNext = @Sendable (HTTPRequest, MessageBody) async throws -> (HTTPResponse, MessageBody)

/// A step of the outbound request path, independent of any HTTP client.
///
/// A middleware sees the outgoing request (its `scheme`, `authority` and `path` name the
/// target) and body, may change them (attach a bearer token, sign with SigV4, propagate the
/// user's token) and calls `next`. The identities of the inbound request being handled, if any,
/// are in ``AuthContext/current``.
///
/// Middleware compose in array order: for `[a, b]`, `a` runs first, then `b`, then the
/// transport. Put signing (SigV4) last, so it signs the final headers.
public protocol ClientMiddleware: Sendable {
    /// Handles an outgoing request.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - next: The rest of the chain, ending in the transport.
    /// - Returns: The response head and body.
    /// - Throws: Whatever the middleware or the rest of the chain throws.
    func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        next: ClientNext
    ) async throws -> (HTTPResponse, MessageBody)
}

/// Runs a request through a chain of client middleware and then the transport.
public struct ClientMiddlewareChain: Sendable {
    /// The middleware, first to run first.
    public var middleware: [any ClientMiddleware]

    /// Creates a chain.
    public init(_ middleware: [any ClientMiddleware]) { self.middleware = middleware }

    /// Runs `request` through the chain and then `transport`.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - transport: The innermost step, which sends the request.
    /// - Returns: The response.
    /// - Throws: Whatever a middleware or the transport throws.
    public func run(
        _ request: HTTPRequest,
        body: MessageBody,
        transport: @escaping ClientNext
    ) async throws -> (HTTPResponse, MessageBody) {
        var next = transport
        for middleware in self.middleware.reversed() {
            let inner = next
            next = { request, body in try await middleware.intercept(request, body: body, next: inner) }
        }
        return try await next(request, body)
    }
}
