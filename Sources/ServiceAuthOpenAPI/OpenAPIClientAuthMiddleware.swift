public import Foundation
public import HTTPTypes
public import OpenAPIRuntime
public import ServiceAuthCore

/// Runs this package's client middleware (client-credentials bearer tokens, user-token and
/// identity-chain propagation, SigV4 signing) inside any swift-openapi-runtime client.
///
/// OpenAPI clients pass a path relative to a base URL; this package's middleware see the full
/// target (scheme, authority and the complete path — SigV4 signs them), so the adapter joins
/// them before the chain and splits them again for the transport.
///
/// ```swift
/// let client = Client(serverURL: url, transport: AsyncHTTPClientTransport(), middlewares: [
///     OpenAPIClientAuthMiddleware([BearerTokenMiddleware(provider: tokens), UserTokenPropagationMiddleware()])
/// ])
/// ```
public struct OpenAPIClientAuthMiddleware: OpenAPIRuntime.ClientMiddleware {
    private let chain: ClientMiddlewareChain

    /// Creates the adapter.
    ///
    /// - Parameter middleware: The middleware to run, first to run first.
    public init(_ middleware: [any ServiceAuthCore.ClientMiddleware]) {
        chain = ClientMiddlewareChain(middleware)
    }

    /// Runs the wrapped chain, then the OpenAPI transport.
    ///
    /// - Returns: The transport's response.
    /// - Throws: What the middleware or the transport throw.
    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let basePath = String(baseURL.path.reversed().drop { $0 == "/" }.reversed())
        var full = request
        full.scheme = baseURL.scheme
        if let host = baseURL.host {
            full.authority = baseURL.port.map { "\(host):\($0)" } ?? host
        }
        full.path = basePath + (request.path ?? "/")

        // The chain finishes before this method returns, so `next` does not really escape.
        let (response, responseBody) = try await withoutActuallyEscaping(next) { next in
            try await chain.run(full, body: MessageBody(body)) { request, body in
                var relative = request
                if let path = request.path, path.hasPrefix(basePath) {
                    relative.path = String(path.dropFirst(basePath.count))
                }
                let (response, responseBody) = try await next(relative, HTTPBody(body), baseURL)
                return (response, MessageBody(responseBody))
            }
        }
        return (response, HTTPBody(responseBody))
    }
}
