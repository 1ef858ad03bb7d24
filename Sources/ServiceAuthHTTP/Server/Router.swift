public import HTTPTypes
public import ServiceAuth

/// Handles a routed request: the innermost step of the server's middleware chain.
public typealias RouteHandler = @Sendable (HTTPRequest, MessageBody, RequestContext) async throws -> (HTTPResponse, MessageBody)

/// A small router: method plus path pattern, with `{name}` path parameters.
///
/// Patterns are matched segment by segment; `{id}` matches one non-empty segment and binds
/// it (percent-decoded) to `id`; a final `*` matches any remainder. The first route added that
/// matches wins. The query string is ignored for matching.
///
/// ```swift
/// var router = Router()
/// router.get("/orders/{id}") { request, body, context in
///     Responses.json(["id": context.pathParameters["id"]])
/// }
/// ```
public struct Router: Sendable {
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var pattern: String
        var segments: [Segment]
        var handler: RouteHandler
    }

    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
        case rest
    }

    /// The outcome of matching a request against the routes.
    public enum Match: Sendable {
        /// A route matched.
        case found(pattern: String, parameters: [String: String], handler: RouteHandler)
        /// A route has this path but not this method; lists the allowed methods.
        case methodNotAllowed([HTTPRequest.Method])
        /// No route has this path.
        case notFound
    }

    private var routes: [Route] = []

    /// Creates an empty router.
    public init() {}

    /// Adds a route.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - pattern: A path pattern such as `/orders/{id}`.
    ///   - handler: The handler.
    public mutating func on(_ method: HTTPRequest.Method, _ pattern: String, _ handler: @escaping RouteHandler) {
        routes.append(Route(method: method, pattern: pattern, segments: Self.parse(pattern), handler: handler))
    }

    /// Adds a `GET` route.
    public mutating func get(_ pattern: String, _ handler: @escaping RouteHandler) { on(.get, pattern, handler) }

    /// Adds a `POST` route.
    public mutating func post(_ pattern: String, _ handler: @escaping RouteHandler) { on(.post, pattern, handler) }

    /// Finds the route for a method and path (the query, if any, is ignored).
    public func match(method: HTTPRequest.Method, path: String) -> Match {
        let pathOnly = RequestPath.withoutQuery(path)
        let requestSegments = pathOnly.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [HTTPRequest.Method] = []
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: requestSegments) else { continue }
            if route.method == method || (method == .head && route.method == .get) {
                return .found(pattern: route.pattern, parameters: parameters, handler: route.handler)
            }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }

    private static func parse(_ pattern: String) -> [Segment] {
        pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part == "*" { return .rest }
            if part.hasPrefix("{"), part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
    }

    private static func bind(_ segments: [Segment], to path: [Substring]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .rest:
                return parameters
            case .literal(let literal):
                guard index < path.count, path[index] == literal else { return nil }
            case .parameter(let name):
                guard index < path.count else { return nil }
                parameters[name] = String(path[index]).removingPercentEncodingIfValid
            }
        }
        return segments.count == path.count ? parameters : nil
    }
}

extension String {
    /// The percent-decoded string, or the string itself when it is not valid percent-encoding
    /// of UTF-8.
    var removingPercentEncodingIfValid: String {
        guard contains("%"), let bytes = PercentEncoding.decodeStrictly(utf8, plusAsSpace: false) else { return self }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
