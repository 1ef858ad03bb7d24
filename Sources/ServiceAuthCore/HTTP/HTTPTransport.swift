public import Foundation
public import HTTPTypesFoundation

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
    /// The status of a refused redirect (see ``redirectRefused(status:)``), else `nil`.
    public var redirectStatus: Int?
    /// Creates an error.
    public init(reason: String) { self.reason = reason }
    /// The exchange did not finish in time.
    public static let timeout = HTTPTransportError(reason: "timed out")
    /// The response body was larger than allowed.
    public static let responseTooLarge = HTTPTransportError(reason: "response body too large")
    /// The URL could not be used.
    public static let invalidURL = HTTPTransportError(reason: "invalid URL")
    /// The connection could not be made or broke (refused, reset, TLS failure). The reason never
    /// names the address, so it is safe to show.
    public static let connectionFailed = HTTPTransportError(reason: "the connection failed")
    /// A user's token was to be forwarded over plain `http` to a host that is not loopback.
    public static let insecureTokenPropagation = HTTPTransportError(
        reason: "refusing to forward the user's token over plain http to a non-loopback host (use https, or allow it explicitly)")

    /// The server answered with a redirect, which is never followed: credentials must not go
    /// where the server points.
    ///
    /// - Parameter status: The redirect's status code.
    /// - Returns: An error naming the status.
    public static func redirectRefused(status: Int) -> HTTPTransportError {
        var error = HTTPTransportError(reason: "refused to follow a redirect (HTTP \(status))")
        error.redirectStatus = status
        return error
    }

    /// Whether `status` is a redirect that a client following redirects would act on.
    ///
    /// - Parameter status: An HTTP status code.
    /// - Returns: `true` for 301, 302, 303, 307 and 308.
    public static func isRedirect(_ status: Int) -> Bool {
        [301, 302, 303, 307, 308].contains(status)
    }
    /// A readable description.
    public var description: String { reason }

    /// What may be said about a transport failure in an error message that can reach a
    /// response body or a log: this type's reason, else only the error's type. Transport
    /// errors of other libraries name addresses and ports (`connection refused 10.0.3.7:8443`),
    /// which tell an attacker about the network behind the service.
    ///
    /// - Parameter error: A transport's error.
    /// - Returns: A description without addresses.
    public static func safeDescription(of error: any Error) -> String {
        if let error = error as? HTTPTransportError { return error.reason }
        return String(describing: type(of: error))
    }
}

extension HTTPRequest {
    /// Creates a request for an absolute `http`/`https` URL string: `URL(string:)`, the
    /// ``Foundation/URL/isAbsoluteHTTPURL`` check, then swift-http-types'
    /// `HTTPRequest(method:url:headerFields:)`.
    ///
    /// - Parameters:
    ///   - method: The method.
    ///   - urlString: An absolute URL such as `https://host:443/path?query`.
    ///   - headerFields: Header fields.
    /// - Returns: `nil` when the string is not an absolute http(s) URL without user info.
    public init?(method: Method, urlString: String, headerFields: HTTPFields = [:]) {
        guard let url = URL(string: urlString), url.isAbsoluteHTTPURL else { return nil }
        self.init(method: method, url: url, headerFields: headerFields)
    }

    /// The absolute URL string of the request (`scheme://authority/path`).
    public var urlString: String {
        "\(scheme ?? "http")://\(authority ?? "")\(path ?? "/")"
    }
}

extension URL {
    /// Whether this URL is one the package sends requests to: absolute, `http` or `https`,
    /// with a host and without user info.
    ///
    /// Checked before `HTTPRequest(method:url:headerFields:)`, which accepts any URL (and
    /// traps on one without a scheme): credentials in a URL would be dropped silently, and
    /// any other scheme is not HTTP.
    public var isAbsoluteHTTPURL: Bool {
        guard let scheme = scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        guard let host = host(percentEncoded: true), !host.isEmpty else { return false }
        return user(percentEncoded: true) == nil && password(percentEncoded: true) == nil
    }
}
