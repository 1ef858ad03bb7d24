public import HTTPTypes
public import OpenAPIRuntime
public import ServiceAuthCore

/// Applies this package's ``RouteSecurity`` inside any swift-openapi-runtime server transport:
/// Vapor, Hummingbird, AWS Lambda, ….
///
/// Security is chosen per operation (its `operationId`), with a default for every operation
/// not listed, the secure choice being to authenticate everything. The verified identities are
/// in `AuthContext.current` while the generated handler runs, and failures become their
/// `401`/`403` responses (every `WWW-Authenticate` challenge and the JSON error code) instead
/// of the transport's generic error handling.
///
/// ```swift
/// let jwt = BearerTokenAuthenticator(verifier: verifier)
/// try handler.registerHandlers(on: transport, middlewares: [
///     OpenAPIServerAuthMiddleware(
///         default: RouteSecurity([jwt], policy: .scopes("orders/read")),
///         operations: ["getHealth": .public, "createOrder": RouteSecurity([jwt], policy: .scopes("orders/write"))]
///     )
/// ])
/// ```
public struct OpenAPIServerAuthMiddleware: OpenAPIRuntime.ServerMiddleware {
    /// The security of operations not in ``operations``.
    public let defaultSecurity: RouteSecurity
    /// The security of individual operations, by `operationId`.
    public let operations: [String: RouteSecurity]

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - defaultSecurity: The security of every operation not listed in `operations`.
    ///   - operations: Per-operation security, by `operationId`.
    public init(default defaultSecurity: RouteSecurity, operations: [String: RouteSecurity] = [:]) {
        self.defaultSecurity = defaultSecurity
        self.operations = operations
    }

    /// Authenticates and authorises the operation, then runs it.
    ///
    /// - Returns: The operation's response, or the `401`/`403` failure response.
    /// - Throws: What the operation throws.
    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let context = RequestContext(
            operationID: operationID,
            pathParameters: metadata.pathParameters.mapValues(String.init)
        )
        let security = operations[operationID] ?? defaultSecurity
        do {
            let (response, responseBody) = try await security.run(request, body: MessageBody(body), context: context) { request, body, _ in
                let (response, responseBody) = try await next(request, HTTPBody(body), metadata)
                return (response, MessageBody(responseBody))
            }
            return (response, HTTPBody(responseBody))
        } catch let failure as any AuthFailureConvertible {
            let (response, responseBody) = failure.authFailure.response()
            return (response, HTTPBody(responseBody))
        }
    }
}
