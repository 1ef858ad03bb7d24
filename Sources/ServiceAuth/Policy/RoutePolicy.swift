public import HTTPTypes

/// Which routes are public and which scopes or groups the others need: policy as data.
///
/// Rules are checked in order and the first match wins; a request no rule matches gets
/// ``defaultRequirement`` (authenticated, by default — the secure choice). Patterns are
/// paths whose segments are literals, `{name}` or `*` (any one segment), with an optional
/// trailing `**` (any remaining segments, including none):
///
/// ```swift
/// var policy = RoutePolicy()
/// policy.add("/healthz", .public)
/// policy.add(.get, "/orders/{id}", .scopes("orders/read"))
/// policy.add(.post, "/orders", .scopes("orders/write"))
/// ```
///
/// Paths with dot segments (`.`, `..`), empty segments or encoded slashes match no rule, so
/// a path the router might normalise differently never picks up a more lenient rule.
public struct RoutePolicy: Sendable {
    /// One rule: a method (or any) and a path pattern, and what matching requests need.
    public struct Rule: Sendable, Hashable {
        /// The method, or `nil` for every method.
        public var method: HTTPRequest.Method?
        /// The path pattern, e.g. `/orders/{id}`.
        public var pattern: String
        /// What the route needs.
        public var requirement: Requirement

        /// Creates a rule.
        ///
        /// - Parameters:
        ///   - method: The method, or `nil` for all.
        ///   - pattern: The path pattern.
        ///   - requirement: What the route needs.
        public init(method: HTTPRequest.Method? = nil, pattern: String, requirement: Requirement) {
            self.method = method
            self.pattern = pattern
            self.requirement = requirement
        }
    }

    /// The rules, first match wins.
    public var rules: [Rule]
    /// The requirement of requests no rule matches.
    public var defaultRequirement: Requirement

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - defaultRequirement: What unmatched requests need. Default: authenticated.
    ///   - rules: The rules, first match wins.
    public init(default defaultRequirement: Requirement = .authenticated, rules: [Rule] = []) {
        self.defaultRequirement = defaultRequirement
        self.rules = rules
    }

    /// Appends a rule for one method.
    ///
    /// - Parameters:
    ///   - method: The method.
    ///   - pattern: The path pattern.
    ///   - requirement: What the route needs.
    public mutating func add(_ method: HTTPRequest.Method, _ pattern: String, _ requirement: Requirement) {
        rules.append(Rule(method: method, pattern: pattern, requirement: requirement))
    }

    /// Appends a rule for every method.
    ///
    /// - Parameters:
    ///   - pattern: The path pattern.
    ///   - requirement: What the route needs.
    public mutating func add(_ pattern: String, _ requirement: Requirement) {
        rules.append(Rule(method: nil, pattern: pattern, requirement: requirement))
    }

    /// The requirement for a request.
    ///
    /// - Parameters:
    ///   - method: The request method.
    ///   - path: The request path, query included or not.
    ///   - routePattern: The pattern the router matched, when known; a rule whose pattern
    ///     equals it matches regardless of the path.
    /// - Returns: The first matching rule's requirement, else ``defaultRequirement``.
    public func requirement(method: HTTPRequest.Method, path: String, routePattern: String? = nil) -> Requirement {
        // The path is split only when a rule has to be matched against it: a policy without
        // rules (or one that matches by route pattern) costs nothing per request.
        var segments: [Substring]??
        for rule in rules where rule.method == nil || rule.method == method {
            if let routePattern, routePattern == rule.pattern { return rule.requirement }
            if segments == nil { segments = .some(Self.segments(ofPath: path)) }
            if let pathSegments = segments ?? nil, Self.matches(pattern: rule.pattern, segments: pathSegments) {
                return rule.requirement
            }
        }
        return defaultRequirement
    }

    /// The path's segments, or `nil` for a path that must match no rule.
    static func segments(ofPath path: String) -> [Substring]? {
        let pathOnly = RequestPath.withoutQuery(path)
        guard pathOnly.first == "/" else { return nil }
        let segments = pathOnly.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if segments == [""] { return [] }  // "/"
        for segment in segments {
            if segment.isEmpty || segment == "." || segment == ".." { return nil }
            let lower = segment.lowercased()
            if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || segment.contains("\\") { return nil }
        }
        return segments
    }

    static func matches(pattern: String, segments: [Substring]) -> Bool {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        var index = 0
        for (position, part) in parts.enumerated() {
            if part == "**", position == parts.count - 1 { return true }
            guard index < segments.count else { return false }
            let isWildcard = part == "*" || (part.first == "{" && part.last == "}")
            guard isWildcard || part == segments[index] else { return false }
            index += 1
        }
        return index == segments.count
    }
}
