public import HTTPTypes

/// Sends one HTTP request and returns the response, with bounded time and size.
///
/// The core fetches JWKS documents, OAuth tokens and STS responses through this protocol so
/// that it depends on no HTTP implementation. `ServiceAuthHTTP` provides one on
/// AsyncHTTPClient (`AsyncHTTPTransport`); tests can provide fakes.
public protocol HTTPTransport: Sendable {
    /// Sends a request.
    ///
    /// - Parameters:
    ///   - request: The request head; `scheme`, `authority` and `path` name the target.
    ///   - body: The request body, if any.
    ///   - timeout: The deadline for the whole exchange.
    ///   - maxResponseBytes: The largest response body accepted.
    /// - Returns: The response head and its body.
    /// - Throws: ``HTTPTransportError`` or the transport's own errors (connection refused, …).
    func send(
        _ request: HTTPRequest,
        body: [UInt8]?,
        timeout: Duration,
        maxResponseBytes: Int
    ) async throws -> (HTTPResponse, [UInt8])
}

/// Errors an ``HTTPTransport`` reports in a transport-independent way.
public struct HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var reason: String
    /// Creates an error.
    public init(reason: String) { self.reason = reason }
    /// The exchange did not finish in time.
    public static let timeout = HTTPTransportError(reason: "timed out")
    /// The response body was larger than allowed.
    public static let responseTooLarge = HTTPTransportError(reason: "response body too large")
    /// The URL could not be used.
    public static let invalidURL = HTTPTransportError(reason: "invalid URL")
    /// A readable description.
    public var description: String { reason }
}

extension HTTPRequest {
    /// Creates a request for an absolute `http`/`https` URL string.
    ///
    /// - Parameters:
    ///   - method: The method.
    ///   - urlString: An absolute URL such as `https://host:443/path?query`.
    ///   - headerFields: Header fields.
    /// - Returns: `nil` when the string is not an absolute http(s) URL.
    public init?(method: Method, urlString: String, headerFields: HTTPFields = [:]) {
        guard let schemeEnd = urlString.range(of: "://") else { return nil }
        let scheme = urlString[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = urlString[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var path = String(rest[authorityEnd...])
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if path.isEmpty { path = "/" } else if path.first == "?" { path = "/" + path }
        self.init(method: method, scheme: scheme, authority: authority, path: path, headerFields: headerFields)
    }

    /// The absolute URL string of the request (`scheme://authority/path`).
    public var urlString: String {
        "\(scheme ?? "http")://\(authority ?? "")\(path ?? "/")"
    }
}
