import Foundation
import HTTPTypes
public import ServiceAuthCore

/// Grants or refuses an API Gateway method/path pattern to callers that hold a scope or a
/// group: the rules from which ``AuthorizationPolicy/executeAPI(_:rules:)`` builds an
/// IAM-style policy, as a Cognito-backed Lambda authorizer does.
///
/// ```swift
/// let policy = AuthorizationPolicy.executeAPI(api, rules: [
///     .allow(scope: "orders/read", method: "GET", path: "orders/*"),
///     .allow(scope: "orders/write", method: "POST", path: "orders"),
///     .deny(group: "suspended", method: "*", path: "*"),
/// ])
/// ```
public struct ExecuteAPIRule: Sendable, Hashable {
    /// Allow or deny.
    public var effect: PolicyDocument.Effect
    /// The scope the caller must hold for the rule to apply (`nil`: any caller).
    public var scope: String?
    /// The group the user must be in for the rule to apply (`nil`: any user).
    public var group: String?
    /// The method pattern (`GET`, `*`).
    public var method: String
    /// The resource path pattern relative to the stage, e.g. `orders/*` (IAM wildcards).
    ///
    /// It is matched against the request's decoded path (`files/a b` for `/files/a%20b`), and
    /// ``AuthorizationPolicy/executeAPI(_:rules:)`` reads it as the router does: a leading `/`,
    /// empty segments (`//`) and a trailing `/` are dropped, so `/admin/*` is `admin/*`.
    public var path: String

    /// Creates a rule.
    public init(effect: PolicyDocument.Effect, scope: String? = nil, group: String? = nil, method: String, path: String) {
        self.effect = effect
        self.scope = scope
        self.group = group
        self.method = method
        self.path = path
    }

    /// Allows `method` on `path` to callers with `scope` (and/or users in `group`).
    public static func allow(scope: String? = nil, group: String? = nil, method: String, path: String) -> ExecuteAPIRule {
        ExecuteAPIRule(effect: .allow, scope: scope, group: group, method: method, path: path)
    }

    /// Denies `method` on `path` to callers with `scope` (and/or users in `group`).
    public static func deny(scope: String? = nil, group: String? = nil, method: String, path: String) -> ExecuteAPIRule {
        ExecuteAPIRule(effect: .deny, scope: scope, group: group, method: method, path: path)
    }

    /// Whether the rule applies to a caller.
    func applies(to identity: Identity) -> Bool {
        (scope.map(identity.scopes.contains) ?? true) && (group.map(identity.groups.contains) ?? true)
    }
}

extension AuthorizationPolicy {
    /// An IAM-style policy document, evaluated against the request as IAM does: an explicit
    /// `Deny` wins, else an `Allow` is needed (no statement allows: implicit deny).
    ///
    /// - Parameters:
    ///   - action: The action asked for, e.g. `execute-api:Invoke`.
    ///   - resource: The resource ARN of the request.
    ///   - document: The policy for the verified caller.
    /// - Returns: The policy.
    public static func document(
        action: String,
        resource: @escaping @Sendable (_ input: AuthorizationInput) -> String,
        _ document: @escaping @Sendable (_ auth: AuthContext) async throws -> PolicyDocument
    ) -> AuthorizationPolicy {
        AuthorizationPolicy { input in
            switch try await document(input.auth).evaluate(action: action, resource: resource(input)) {
            case .allow: .allow
            case .explicitDeny, .implicitDeny: .deny(policyDenial(input))
            }
        }
    }

    /// The denial of a request no statement allows (or one denies).
    private static func policyDenial(_ input: AuthorizationInput) -> AuthorizationDenial {
        let path = RequestPath.withoutQuery(input.request.path ?? "/")
        return AuthorizationDenial(.missingScope, "the caller's policy does not allow \(input.request.method.rawValue) \(path)")
    }

    /// API Gateway's Lambda-authorizer flow as a policy: `rules` that apply to the caller (by
    /// scope or group) become the statements of a policy that must allow `execute-api:Invoke`
    /// on the request's method ARN.
    ///
    /// The method ARN names the path the built-in router serves (see
    /// ``ExecuteAPIResource/methodArn(method:path:)``), and only its `METHOD/path` part is
    /// matched against the rules: the stage ARN is taken literally. A request target with raw
    /// non-ASCII bytes is denied, since routers (Hummingbird's, Vapor's) may match it to a route
    /// whose rules its bytes miss.
    ///
    /// - Parameters:
    ///   - resource: The API whose method ARNs the rules name.
    ///   - rules: What each scope or group may call.
    /// - Returns: The policy.
    public static func executeAPI(_ resource: ExecuteAPIResource, rules: [ExecuteAPIRule]) -> AuthorizationPolicy {
        // A rule's pattern and a request's method ARN both begin with the stage's ARN, taken
        // literally (a `*` in the API id or stage is not allowed to stretch over the method), so
        // only `METHOD/path` is matched; the action is the same in every rule.
        let compiled = rules.map { rule in CompiledRule(rule: rule, methodAndPath: "\(rule.method)/\(resourcePattern(rule.path))") }
        return AuthorizationPolicy { input in
            guard let caller = input.auth.caller else { return .deny(policyDenial(input)) }
            // A request target is ASCII (RFC 3986 percent-encodes everything else). Raw bytes
            // beyond it are refused: routers disagree on them (Hummingbird's and Vapor's
            // compare `String`s under canonical equivalence, so `/\u{212A}eys` reaches their
            // `/Keys`), and a `Deny` must not depend on the router behind the policy.
            guard RequestPath.isASCII(input.request.path ?? "/") else { return .deny(policyDenial(input)) }
            // The method ARN of what the router will serve: HEAD is answered by GET routes
            // (so a rule for method `HEAD` never matches), and the path is the router's (empty
            // segments dropped, segments decoded, `/` kept encoded), so `//orders//1` or
            // `/orders/1/` cannot slip past a `Deny` on `orders/1` that the handler for
            // `orders/1` sits behind, nor `/orders/%31` past one the `orders/{id}` route does.
            let method: HTTPRequest.Method = input.request.method == .head ? .get : input.request.method
            let path = canonicalResourcePath(input.request.path ?? "/")  // begins with its `/`
            let decision = evaluate(compiled.lazy.filter { $0.rule.applies(to: caller) }, methodAndPath: method.rawValue + path)
            return decision == .allow ? .allow : .deny(policyDenial(input))
        }
    }

    /// IAM's evaluation of execute-api statements by their `METHOD/path` alone (their stage
    /// ARN and action being those of the request): an explicit deny wins, else an allow is
    /// needed.
    private static func evaluate(_ rules: some Sequence<CompiledRule>, methodAndPath: String) -> PolicyDocument.Decision {
        var allowed = false
        for compiled in rules where WildcardPattern.matches(compiled.methodAndPath, methodAndPath) {
            if compiled.rule.effect == .deny { return .explicitDeny }
            allowed = true
        }
        return allowed ? .allow : .implicitDeny
    }
}

/// An ``ExecuteAPIRule`` with what evaluating it needs, built once per policy.
private struct CompiledRule: Sendable {
    var rule: ExecuteAPIRule
    /// `METHOD/path` of the rule's resource pattern, after the stage ARN.
    var methodAndPath: String
}

/// A rule's path pattern in the form of a canonical path after its `/`: empty segments
/// dropped, so `/admin/*` (routes are written with their `/`) or `orders//1/` are not Denies
/// that silently match nothing. Split on bytes only: `?` is a wildcard here, not a query.
func resourcePattern(_ path: String) -> String {
    RequestPath.patternSegments(path).joined(separator: "/")
}

/// A request path as the router sees it: empty segments dropped, each segment percent-decoded
/// (a decoded `/` re-encoded, so it stays inside its segment), joined with `/`.
func canonicalResourcePath(_ path: String) -> String {
    let raw = RequestPath.withoutQuery(path)
    // Most paths already are in that form: kept as they are, without splitting and joining.
    if isCanonicalResourcePath(raw.utf8) { return String(raw) }
    return canonicalResourcePathBySegments(path)
}

/// ``canonicalResourcePath(_:)`` the long way, for every path: split, decode, re-join.
func canonicalResourcePathBySegments(_ path: String) -> String {
    let segments = RequestPath.segments(path).map { segment in
        let decoded = RequestPath.decoded(segment)
        // A segment left as it was (nothing to decode, or not valid encoding) is kept verbatim.
        return decoded.utf8.elementsEqual(segment.utf8) ? decoded : decoded.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }
    return "/" + segments.joined(separator: "/")
}

/// Whether `path` is already what ``canonicalResourcePath(_:)`` makes of it: a leading `/`, no
/// empty segment, no trailing `/` (but `/` itself), nothing percent-encoded.
private func isCanonicalResourcePath(_ path: Substring.UTF8View) -> Bool {
    guard path.first == UInt8(ascii: "/") else { return false }
    var previous = UInt8(ascii: "/")
    for (offset, byte) in path.enumerated() where offset > 0 {
        if byte == UInt8(ascii: "%") || (byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/")) { return false }
        previous = byte
    }
    return path.count == 1 || previous != UInt8(ascii: "/")
}
