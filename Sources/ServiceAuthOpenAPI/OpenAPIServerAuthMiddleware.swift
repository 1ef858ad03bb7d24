public import HTTPTypes
public import OpenAPIRuntime
public import ServiceAuth

/// Runs this package's server middleware (authenticators, policy) inside any
/// swift-openapi-runtime server transport: Vapor, Hummingbird, AWS Lambda, ….
///
/// The verified identities are in `AuthContext.current` while the generated handler runs, and
/// authentication failures become their `401`/`403` responses (with `WWW-Authenticate` and the
/// JSON error code) instead of the transport's generic error handling.
///
/// ```swift
/// try handler.registerHandlers(on: transport, middlewares: [
///     OpenAPIServerAuthMiddleware([BearerJWTMiddleware(verifier: verifier)])
/// ])
/// ```
public struct OpenAPIServerAuthMiddleware: OpenAPIRuntime.ServerMiddleware {
    private let chain: ServerMiddlewareChain

    /// Creates the adapter.
    ///
    /// - Parameter middleware: The middleware to run, outermost first.
    public init(_ middleware: [any ServiceAuth.ServerMiddleware]) {
        chain = ServerMiddlewareChain(middleware)
    }

    /// Runs the wrapped chain, then the OpenAPI handler.
    ///
    /// - Returns: The handler's response, or the authentication failure's response.
    /// - Throws: Errors other than authentication failures, as the handler threw them.
    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let context = RequestContext(
            routePattern: operationID,
            pathParameters: metadata.pathParameters.mapValues(String.init)
        )
        do {
            // The chain finishes before this method returns, so `next` does not really escape.
            let (response, responseBody) = try await withoutActuallyEscaping(next) { next in
                try await chain.run(request, body: MessageBody(body), context: context) { request, body, _ in
                    let (response, responseBody) = try await next(request, HTTPBody(body), metadata)
                    return (response, MessageBody(responseBody))
                }
            }
            return (response, HTTPBody(responseBody))
        } catch let failure as any AuthFailureConvertible {
            let (response, responseBody) = failure.authFailure.response()
            return (response, HTTPBody(responseBody))
        }
    }
}
