public import AsyncHTTPClient

extension HTTPClient {
    /// The client every outbound call of this package uses unless it is given another: JWKS,
    /// token-endpoint and STS fetches (``AsyncHTTPTransport``) and service calls
    /// (``ServiceHTTPClient``).
    ///
    /// AsyncHTTPClient's own shared client, but **redirects are never followed**. A redirect
    /// would carry the request's credentials — a bearer token, the propagated user token in
    /// `X-Forwarded-Authorization`, the identity chain, an `X-Amz-Security-Token` — to a host the
    /// caller never chose (AsyncHTTPClient strips only `Authorization` across origins), and would
    /// let a JWKS or token fetch be moved from `https` to `http`. A redirect answer is reported
    /// as ``HTTPTransportError/redirectRefused(status:)`` instead.
    ///
    /// If you pass your own `HTTPClient`, configure it with `redirectConfiguration: .disallow`
    /// too; the transport refuses 3xx answers either way, but cannot stop a client that follows
    /// them from sending the request on.
    public static let serviceAuthShared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        // A process-wide singleton, like `HTTPClient.shared`: it lives as long as the process and
        // is never shut down.
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A client like ``serviceAuthShared`` (no redirects) that speaks TLS as `tls` says: its
    /// trust roots, its client certificate for mutual TLS, and HTTP/2 whenever the server
    /// offers it through ALPN.
    ///
    /// The client owns connections: keep one per TLS configuration for the life of the process
    /// (or call `shutdown()` when done).
    ///
    /// - Parameter tls: The TLS configuration.
    /// - Throws: ``TLSConfigurationError`` for unusable PEM material.
    public static func serviceAuth(tls: ClientTLSConfiguration) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.tlsConfiguration = try tls.makeTLSConfiguration()
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}
