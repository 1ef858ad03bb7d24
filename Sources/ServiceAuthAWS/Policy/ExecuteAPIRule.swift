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
        return document(action: action, resource: { input in
            resource.methodArn(method: input.request.method, path: input.request.path ?? "/")
        }) { auth in
            guard let caller = auth.caller else { return PolicyDocument(statements: []) }
            return PolicyDocument(statements: rules.filter { $0.applies(to: caller) }.map { rule in
                PolicyDocument.Statement(effect: rule.effect, actions: [action], resources: [resource.pattern(method: rule.method, path: rule.path)])
            })
        }
    }
}
