public import HTTPTypes

/// The continuation a server middleware calls to pass the request on.
public typealias ServerNext = @Sendable (HTTPRequest, MessageBody, RequestContext) async throws -> (HTTPResponse, MessageBody)

/// A step of the inbound request path, independent of any HTTP server.
///
/// A middleware sees the request, its body and the per-request ``RequestContext``, and
/// either answers itself (e.g. `401` for a bad token) or calls `next`, possibly with a changed
/// request, body or context. In the spirit of swift-openapi-runtime's `ServerMiddleware`.
///
/// Middleware compose in array order: for `[a, b, c]`, `a` runs first and is outermost, so it
/// sees the response last. Put authenticators before authorisation policy.
public protocol ServerMiddleware: Sendable {
    /// Handles a request.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The per-request context; pass an updated copy to `next`.
    ///   - next: The rest of the chain, ending in the route handler.
    /// - Returns: The response head and body.
    /// - Throws: Errors the server maps to a response; authentication errors conforming to
    ///   ``AuthFailureConvertible`` become their 401/403 response.
    func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody)
}

/// Runs a request through a chain of server middleware and then `handler`.
///
/// Before each step the chain makes the step's ``RequestContext/auth`` the task's
/// ``AuthContext/current``, so code called from the handler (including outbound HTTP clients)
/// sees the identities verified so far without being passed them.
public struct ServerMiddlewareChain: Sendable {
    /// The middleware, outermost first.
    public var middleware: [any ServerMiddleware]

    /// Creates a chain.
    public init(_ middleware: [any ServerMiddleware]) { self.middleware = middleware }

    /// Runs `request` through the chain.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The initial context.
    ///   - handler: The innermost step.
    /// - Returns: The response.
    /// - Throws: Whatever a middleware or the handler throws.
    public func run(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        handler: @escaping ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        try await step(0, handler: handler)(request, body, context)
    }

    private func step(_ index: Int, handler: @escaping ServerNext) -> ServerNext {
        let middleware = self.middleware
        guard index < middleware.count else {
            return { request, body, context in
                try await AuthContext.withCurrent(context.auth) { try await handler(request, body, context) }
            }
        }
        let current = middleware[index]
        let next = step(index + 1, handler: handler)
        return { request, body, context in
            try await AuthContext.withCurrent(context.auth) {
                try await current.intercept(request, body: body, context: context, next: next)
            }
        }
    }
}
