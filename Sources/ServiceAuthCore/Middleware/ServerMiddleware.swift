public import HTTPTypes

/// The continuation a server middleware calls to pass the request on.
public typealias ServerNext = @Sendable (HTTPRequest, MessageBody, RequestContext) async throws -> (HTTPResponse, MessageBody)

/// A step of the inbound request path, independent of any HTTP server: logging, metrics,
/// request ids — whatever runs around the routes.
///
/// A middleware sees the request, its body and the per-request ``RequestContext``, and
/// either answers itself or calls `next`, possibly with a changed request, body or context.
/// In the spirit of swift-openapi-runtime's `ServerMiddleware`.
///
/// Authentication and authorisation are not middleware of this kind but a route's
/// ``RouteSecurity`` (``Authenticator``s and an ``AuthorizationPolicy``); to apply one to every
/// request, use ``AuthenticationMiddleware``. Failures are thrown (``AuthFailure``) and
/// rendered by the server in one place.
///
/// Middleware compose in array order: for `[a, b, c]`, `a` runs first and is outermost, so it
/// sees the response last.
public protocol ServerMiddleware: Sendable {
    /// Handles a request.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The per-request context; pass an updated copy to `next`.
    ///   - next: The rest of the chain, ending in the route handler.
    /// - Returns: The response head and body.
    /// - Throws: Errors the server maps to a response; errors conforming to
    ///   ``AuthFailureConvertible`` become their 401/403 response.
    func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody)
}

/// A chain of server middleware, composed once when it is created, not per request.
///
/// The chain ends in the request's endpoint (for the server: the matched route's protected
/// handler), which ``run(_:body:context:handler:)`` supplies per request.
public struct ServerMiddlewareChain: Sendable {
    /// The middleware, outermost first.
    public let middleware: [any ServerMiddleware]
    private let entry: ServerNext

    /// Creates a chain.
    ///
    /// - Parameter middleware: The middleware, outermost first.
    public init(_ middleware: [any ServerMiddleware]) {
        self.middleware = middleware
        var next: ServerNext = { request, body, context in
            guard let endpoint = context.endpoint else { throw ServerMiddlewareChainError.noEndpoint }
            return try await endpoint(request, body, context)
        }
        for current in middleware.reversed() {
            let inner = next
            next = { request, body, context in try await current.intercept(request, body: body, context: context, next: inner) }
        }
        self.entry = next
    }

    /// Runs `request` through the chain and then `handler`.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The initial context.
    ///   - handler: The innermost step (e.g. the matched route's protected handler).
    /// - Returns: The response.
    /// - Throws: Whatever a middleware or the handler throws.
    public func run(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        handler: @escaping ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        var context = context
        context.endpoint = handler
        return try await entry(request, body, context)
    }
}

/// A chain was run without an endpoint (a programming error inside the package).
enum ServerMiddlewareChainError: Error { case noEndpoint }
