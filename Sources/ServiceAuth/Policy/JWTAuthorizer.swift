import Foundation

/// An ``Authorizer`` that verifies a bearer JWT and turns its scopes and groups into an
/// IAM-style policy, the way a Cognito-backed Lambda authorizer for API Gateway does.
///
/// ```swift
/// let authorizer = JWTAuthorizer(verifier: verifier, resource: api, rules: [
///     .allow(scope: "orders/read", method: "GET", path: "orders/*"),
///     .allow(scope: "orders/write", method: "POST", path: "orders"),
///     .deny(group: "suspended", method: "*", path: "*"),
/// ])
/// ```
public struct JWTAuthorizer: Authorizer {
    /// Grants or refuses a method/path pattern to tokens that carry a scope or a group.
    public struct Rule: Sendable, Hashable {
        /// Allow or deny.
        public var effect: PolicyDocument.Effect
        /// The scope the token must carry for the rule to apply (`nil`: any token).
        public var scope: String?
        /// The group the user must be in for the rule to apply (`nil`: any user).
        public var group: String?
        /// The method pattern (`GET`, `*`).
        public var method: String
        /// The resource path pattern relative to the stage, e.g. `orders/*`.
        public var path: String

        /// Creates a rule.
        public init(effect: PolicyDocument.Effect, scope: String? = nil, group: String? = nil, method: String, path: String) {
            self.effect = effect
            self.scope = scope
            self.group = group
            self.method = method
            self.path = path
        }

        /// Allows `method` on `path` to tokens with `scope` (and/or users in `group`).
        public static func allow(scope: String? = nil, group: String? = nil, method: String, path: String) -> Rule {
            Rule(effect: .allow, scope: scope, group: group, method: method, path: path)
        }

        /// Denies `method` on `path` to tokens with `scope` (and/or users in `group`).
        public static func deny(scope: String? = nil, group: String? = nil, method: String, path: String) -> Rule {
            Rule(effect: .deny, scope: scope, group: group, method: method, path: path)
        }

        func applies(to identity: Identity) -> Bool {
            (scope.map(identity.scopes.contains) ?? true) && (group.map(identity.groups.contains) ?? true)
        }
    }

    private let verifier: any BearerTokenVerifier
    private let resource: ExecuteAPIResource
    private let rules: [Rule]

    /// Creates an authorizer.
    ///
    /// - Parameters:
    ///   - verifier: Verifies the bearer token (e.g. a `JWTVerifier` for the user pool).
    ///   - resource: The API whose method ARNs the policy names.
    ///   - rules: What each scope or group may call.
    public init(verifier: any BearerTokenVerifier, resource: ExecuteAPIResource, rules: [Rule]) {
        self.verifier = verifier
        self.resource = resource
        self.rules = rules
    }

    /// Verifies the token and builds the policy from the rules that apply to it.
    ///
    /// - Throws: The verifier's error when the token is not valid.
    public func authorize(_ request: AuthorizationRequest) async throws -> AuthorizerResult {
        let identity = try await verifier.verifyIdentity(request.token)
        let statements = rules.filter { $0.applies(to: identity) }.map { rule in
            PolicyDocument.Statement(
                effect: rule.effect,
                actions: ["execute-api:Invoke"],
                resources: [resource.pattern(method: rule.method, path: rule.path)]
            )
        }
        var context: [String: String] = [:]
        context["sub"] = identity.subject
        context["username"] = identity.username
        context["clientId"] = identity.clientId
        context["scope"] = identity.scopes.joined(separator: " ")
        return AuthorizerResult(
            principalId: identity.subject ?? identity.displayName,
            policy: PolicyDocument(statements: statements),
            context: context,
            identity: identity,
            userToken: identity.kind == .user ? request.token : nil,
            expiresAt: identity.expiresAt
        )
    }
}
