public import HTTPTypes
public import ServiceAuthCore

/// Handles a routed request: the innermost step of the server's middleware chain.
public typealias RouteHandler = @Sendable (HTTPRequest, MessageBody, RequestContext) async throws -> (HTTPResponse, MessageBody)

/// A small router: method plus path pattern, and each route's ``RouteSecurity``.
///
/// Patterns are matched segment by segment: a literal matches itself, `{id}` matches one
/// non-empty segment and binds it (percent-decoded) to `id`, `*` matches any one segment, and
/// a final `**` matches whatever remains (including nothing). The first route added that
/// matches wins; the query string is ignored for matching.
///
/// Security belongs to routes, written once next to the handlers it protects. Routes added
/// directly get the router's ``security``, which also guards requests no route matches, so an
/// unauthenticated request to an unknown path is refused (`401`), not told it does not exist;
/// a group gives its routes their own:
///
/// ```swift
/// var router = Router(security: RouteSecurity([jwt], policy: .scopes("orders/invoke")))
/// router.group(security: .public) { open in
///     open.get("/healthz") { _, _, _ in Responses.text("ok\n") }
/// }
/// router.get("/orders/{id}") { request, body, context in
///     Responses.json(["id": context.pathParameters["id"]])
/// }
/// ```
///
/// Each handler is wrapped in its security once, when it is added.
public struct Router: Sendable {
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var pattern: String
        var segments: [Segment]
        var security: RouteSecurity
        var handler: ServerNext
    }

    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
        case anySegment
        case rest
    }

    /// The route a request resolved to.
    public struct Resolution: Sendable {
        /// The matched route's pattern, or `nil` when no route matched.
        public var pattern: String?
        /// The path parameters, by name.
        public var parameters: [String: String]
        /// The protected handler: the route's, or the router's answer for unmatched
        /// requests (`404`, or `405` with `Allow`) behind the router's ``Router/security``.
        public var handler: ServerNext
    }

    /// The security of routes added without a group, and of requests no route matches.
    public let security: RouteSecurity
    private var routes: [Route] = []
    private let notFound: ServerNext

    /// Creates an empty router.
    ///
    /// - Parameter security: The security of routes added directly and of unmatched requests.
    ///   Default ``RouteSecurity/public``.
    public init(security: RouteSecurity = .public) {
        self.security = security
        self.notFound = security.protect { _, _, _ in Responses.error("not_found", message: "no such route", status: .notFound) }
    }

    /// Adds a route with the router's security.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - pattern: A path pattern such as `/orders/{id}`.
    ///   - handler: The handler.
    public mutating func on(_ method: HTTPRequest.Method, _ pattern: String, _ handler: @escaping RouteHandler) {
        on(method, pattern, security: security, handler)
    }

    /// Adds a route with its own security.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - pattern: A path pattern such as `/orders/{id}`.
    ///   - security: The route's authenticators and policy.
    ///   - handler: The handler.
    public mutating func on(_ method: HTTPRequest.Method, _ pattern: String, security: RouteSecurity, _ handler: @escaping RouteHandler) {
        routes.append(Route(method: method, pattern: pattern, segments: Self.parse(pattern), security: security, handler: security.protect(handler)))
    }

    /// Adds a `GET` route.
    public mutating func get(_ pattern: String, _ handler: @escaping RouteHandler) { on(.get, pattern, handler) }

    /// Adds a `POST` route.
    public mutating func post(_ pattern: String, _ handler: @escaping RouteHandler) { on(.post, pattern, handler) }

    /// Adds routes that share a path prefix and a security.
    ///
    /// - Parameters:
    ///   - prefix: A path prefix for the group's patterns, e.g. `/admin`; empty for none.
    ///   - security: The security of the group's routes.
    ///   - build: Adds the routes.
    public mutating func group(_ prefix: String = "", security: RouteSecurity, _ build: (inout RouteGroup) throws -> Void) rethrows {
        var group = RouteGroup(prefix: prefix, security: security)
        try build(&group)
        for route in group.routes { on(route.method, route.pattern, security: route.security, route.handler) }
    }

    /// Finds the protected handler for a method and path (the query, if any, is ignored).
    ///
    /// - Parameters:
    ///   - method: The request method; `HEAD` also matches `GET` routes.
    ///   - path: The request target.
    /// - Returns: The resolution; never fails, since unmatched requests get the router's answer.
    public func resolve(method: HTTPRequest.Method, path: String) -> Resolution {
        let requestSegments = RequestPath.segments(path)
        var allowed: [HTTPRequest.Method] = []
        var pathSecurity: RouteSecurity?
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: requestSegments) else { continue }
            if route.method == method || (method == .head && route.method == .get) {
                return Resolution(pattern: route.pattern, parameters: parameters, handler: route.handler)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            pathSecurity = pathSecurity ?? route.security
        }
        guard let pathSecurity else { return Resolution(pattern: nil, parameters: [:], handler: notFound) }
        let methods = allowed.map(\.rawValue).joined(separator: ", ")
        // The 405 (and its `Allow` list) is answered behind the security of the routes at that
        // path, so it reveals nothing about a guarded group to someone who may not call it.
        return Resolution(pattern: nil, parameters: [:], handler: pathSecurity.protect { _, _, _ in
            var response = Responses.error("method_not_allowed", message: "method not allowed", status: .methodNotAllowed)
            response.0.headerFields[.allow] = methods
            return response
        })
    }

    /// A pattern's segments, split at `/` bytes as a request is (a combining mark after a `/`
    /// cannot hide a separator in either), empty ones omitted.
    static func parse(_ pattern: String) -> [Segment] {
        let parts = RequestPath.patternSegments(pattern)
        return parts.enumerated().map { index, part in
            let bytes = part.utf8
            if bytes.elementsEqual("**".utf8), index == parts.count - 1 { return .rest }
            if bytes.elementsEqual("*".utf8) { return .anySegment }
            if bytes.count >= 2, bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") {
                return .parameter(String(Substring(bytes.dropFirst().dropLast())))
            }
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
                guard index < path.count, RequestPath.segment(path[index], is: literal) else { return nil }
            case .anySegment:
                guard index < path.count else { return nil }
            case .parameter(let name):
                guard index < path.count else { return nil }
                parameters[name] = RequestPath.decoded(path[index])
            }
        }
        return segments.count == path.count ? parameters : nil
    }
}

/// Routes being added to a ``Router`` with a shared path prefix and security.
public struct RouteGroup: Sendable {
    struct PendingRoute: Sendable {
        var method: HTTPRequest.Method
        var pattern: String
        var security: RouteSecurity
        var handler: RouteHandler
    }

    /// The prefix of the group's patterns.
    public let prefix: String
    /// The security of the group's routes.
    public let security: RouteSecurity
    var routes: [PendingRoute] = []

    init(prefix: String, security: RouteSecurity) {
        self.prefix = prefix
        self.security = security
    }

    /// Adds a route; `pattern` is appended to the group's prefix.
    public mutating func on(_ method: HTTPRequest.Method, _ pattern: String, _ handler: @escaping RouteHandler) {
        routes.append(PendingRoute(method: method, pattern: Self.join(prefix, pattern), security: security, handler: handler))
    }

    /// Adds a `GET` route.
    public mutating func get(_ pattern: String, _ handler: @escaping RouteHandler) { on(.get, pattern, handler) }

    /// Adds a `POST` route.
    public mutating func post(_ pattern: String, _ handler: @escaping RouteHandler) { on(.post, pattern, handler) }

    /// Adds a nested group: its prefix is appended to this one's, and it has its own security.
    public mutating func group(_ prefix: String = "", security: RouteSecurity, _ build: (inout RouteGroup) throws -> Void) rethrows {
        var group = RouteGroup(prefix: Self.join(self.prefix, prefix), security: security)
        try build(&group)
        routes.append(contentsOf: group.routes)
    }

    /// `prefix` and `pattern` joined by one `/`, tested on bytes like the rest of the routing.
    static func join(_ prefix: String, _ pattern: String) -> String {
        let slash = UInt8(ascii: "/")
        guard !prefix.isEmpty else { return pattern }
        let head = prefix.utf8.last == slash ? String(Substring(prefix.utf8.dropLast())) : prefix
        guard !pattern.isEmpty, !pattern.utf8.elementsEqual(CollectionOfOne(slash)) else { return head.isEmpty ? "/" : head }
        return head + (pattern.utf8.first == slash ? pattern : "/" + pattern)
    }
}
