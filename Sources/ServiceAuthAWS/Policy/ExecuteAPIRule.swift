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
            let arn = resource(input)
            switch try await document(input.auth).evaluate(action: action, resource: arn) {
            case .allow: return .allow
            case .explicitDeny, .implicitDeny:
                let path = RequestPath.withoutQuery(input.request.path ?? "/")
                return .deny(AuthorizationDenial(.missingScope, "the caller's policy does not allow \(input.request.method.rawValue) \(path)"))
            }
        }
    }

    /// API Gateway's Lambda-authorizer flow as a policy: `rules` that apply to the caller (by
    /// scope or group) become the statements of a policy that must allow `execute-api:Invoke`
    /// on the request's method ARN.
    ///
    /// - Parameters:
    ///   - resource: The API whose method ARNs the rules name.
    ///   - rules: What each scope or group may call.
    /// - Returns: The policy.
    public static func executeAPI(_ resource: ExecuteAPIResource, rules: [ExecuteAPIRule]) -> AuthorizationPolicy {
        let action = "execute-api:Invoke"
        // Each rule's statement is built once; a request only picks the ones that apply.
        let statements = rules.map { rule in
            (rule, PolicyDocument.Statement(effect: rule.effect, actions: [action], resources: [resource.pattern(method: rule.method, path: rule.path)]))
        }
        return document(action: action, resource: { input in
            // The method ARN of what the router will serve: HEAD is answered by GET routes,
            // and the path is the router's (empty segments dropped, segments decoded, `/` kept
            // encoded), so `//orders//1`, `/orders/1/` or `/orders/%31` cannot slip past a
            // `Deny` on `orders/1` that the handler for `orders/1` sits behind.
            let method: HTTPRequest.Method = input.request.method == .head ? .get : input.request.method
            return resource.methodArn(method: method, path: canonicalResourcePath(input.request.path ?? "/"))
        }) { auth in
            guard let caller = auth.caller else { return PolicyDocument(statements: []) }
            return PolicyDocument(statements: statements.filter { $0.0.applies(to: caller) }.map(\.1))
        }
    }
}

/// A request path as the router sees it: empty segments dropped, each segment percent-decoded
/// (a decoded `/` re-encoded, so it stays inside its segment), joined with `/`.
func canonicalResourcePath(_ path: String) -> String {
    let segments = RequestPath.segments(path).map { segment in
        let decoded = RequestPath.decoded(segment)
        // A segment left as it was (nothing to decode, or not valid encoding) is kept verbatim.
        return decoded.utf8.elementsEqual(segment.utf8) ? decoded : decoded.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }
    return "/" + segments.joined(separator: "/")
}
