public import AsyncHTTPClient
public import HTTPTypes
public import ServiceAuthCore
import NIOCore
import NIOHTTP1

/// An HTTP client that runs a chain of ``ClientMiddleware`` before each request, on
/// AsyncHTTPClient.
///
/// Middleware attach credentials: a client-credentials bearer token, the propagated user
/// token, a SigV4 signature. Code handling an inbound request simply calls ``send(_:body:)``;
/// middleware find the inbound identities in `AuthContext.current`.
///
/// Clients share one connection pool (``AsyncHTTPClient/HTTPClient/serviceAuthShared`` by
/// default, which follows no redirect), so create as many as there are distinct middleware
/// chains. A redirect answer is an error: the request's credentials never follow it.
public struct ServiceHTTPClient: Sendable {
    /// Limits applied to every request.
    public struct Configuration: Sendable {
        /// The deadline for one whole exchange, connection included.
        public var timeout: Duration
        /// The largest response body accepted.
        public var maxResponseBytes: Int

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - timeout: Per-request deadline (default 10 s).
        ///   - maxResponseBytes: Response body limit (default 4 MiB).
        public init(timeout: Duration = .seconds(10), maxResponseBytes: Int = 4 << 20) {
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// The limits.
    public let configuration: Configuration
    private let chain: ClientMiddlewareChain
    private let transport: AsyncHTTPTransport

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Limits.
    ///   - middleware: Client middleware; the first runs first, the transport last.
    ///   - httpClient: The AsyncHTTPClient to send with; configure your own with
    ///     `redirectConfiguration: .disallow`.
    public init(
        configuration: Configuration = Configuration(),
        middleware: [any ClientMiddleware] = [],
        httpClient: HTTPClient = .serviceAuthShared
    ) {
        self.configuration = configuration
        self.chain = ClientMiddlewareChain(middleware)
        self.transport = AsyncHTTPTransport(httpClient: httpClient)
    }

    /// Sends a request through the middleware chain.
    ///
    /// - Parameters:
    ///   - request: The request; `scheme`, `authority` and `path` name the target.
    ///   - body: The request body.
    /// - Returns: The response head and its body (at most ``Configuration/maxResponseBytes``).
    /// - Throws: ``HTTPTransportError``, AsyncHTTPClient's errors, or a middleware's errors.
    public func send(_ request: HTTPRequest, body: MessageBody = MessageBody()) async throws -> (HTTPResponse, [UInt8]) {
        let configuration = self.configuration
        let transport = self.transport
        let (response, responseBody) = try await chain.run(request, body: body) { request, body in
            let bytes = try await body.collect(upTo: configuration.maxResponseBytes)
            let (response, responseBytes) = try await transport.send(
                request,
                body: bytes.isEmpty && body.length == nil ? nil : bytes,
                timeout: configuration.timeout,
                maxResponseBytes: configuration.maxResponseBytes
            )
            return (response, MessageBody(responseBytes))
        }
        return (response, try await responseBody.collect(upTo: configuration.maxResponseBytes))
    }

    /// Sends a `GET` to an absolute URL.
    ///
    /// - Parameters:
    ///   - url: An absolute `http(s)` URL.
    ///   - headerFields: Extra header fields.
    /// - Returns: The response head and body.
    /// - Throws: ``HTTPTransportError/invalidURL`` or what ``send(_:body:)`` throws.
    public func get(_ url: String, headerFields: HTTPFields = [:]) async throws -> (HTTPResponse, [UInt8]) {
        guard let request = HTTPRequest(method: .get, urlString: url, headerFields: headerFields) else {
            throw HTTPTransportError.invalidURL
        }
        return try await send(request)
    }

    /// Sends a `POST` with a body to an absolute URL.
    ///
    /// - Parameters:
    ///   - url: An absolute `http(s)` URL.
    ///   - body: The body bytes.
    ///   - headerFields: Extra header fields (set `Content-Type` here).
    /// - Returns: The response head and body.
    /// - Throws: ``HTTPTransportError/invalidURL`` or what ``send(_:body:)`` throws.
    public func post(_ url: String, body: [UInt8], headerFields: HTTPFields = [:]) async throws -> (HTTPResponse, [UInt8]) {
        guard let request = HTTPRequest(method: .post, urlString: url, headerFields: headerFields) else {
            throw HTTPTransportError.invalidURL
        }
        return try await send(request, body: MessageBody(body))
    }
}
