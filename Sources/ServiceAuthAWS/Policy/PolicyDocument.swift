import ServiceAuthCore

/// An IAM-style policy document, as an API Gateway Lambda authorizer returns it.
///
/// ```json
/// {"Version": "2012-10-17",
///  "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke",
///                 "Resource": ["arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/orders/*"]}]}
/// ```
/// `Action` and `Resource` may each be a string or an array, as in IAM.
public struct PolicyDocument: Sendable, Hashable, Codable {
    /// Whether a statement allows or denies.
    public enum Effect: String, Sendable, Hashable, Codable {
        /// Grants the actions on the resources.
        case allow = "Allow"
        /// Refuses them, overriding any `Allow`.
        case deny = "Deny"
    }

    /// One statement of a policy.
    public struct Statement: Sendable, Hashable, Codable {
        /// Allow or deny.
        public var effect: Effect
        /// Action patterns such as `execute-api:Invoke` or `execute-api:*`.
        public var actions: [String]
        /// Resource ARN patterns; `*` matches any run of characters, `?` one character.
        public var resources: [String]

        /// Creates a statement.
        public init(effect: Effect, actions: [String], resources: [String]) {
            self.effect = effect
            self.actions = actions
            self.resources = resources
        }

        enum CodingKeys: String, CodingKey {
            case effect = "Effect"
            case actions = "Action"
            case resources = "Resource"
        }

        /// Decodes a statement whose `Action`/`Resource` are a string or an array of strings.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            effect = try container.decode(Effect.self, forKey: .effect)
            actions = try Self.decodeStringOrArray(container, .actions)
            resources = try Self.decodeStringOrArray(container, .resources)
        }

        /// Encodes the statement with arrays.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(effect, forKey: .effect)
            try container.encode(actions, forKey: .actions)
            try container.encode(resources, forKey: .resources)
        }

        private static func decodeStringOrArray(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String] {
            if let single = try? container.decode(String.self, forKey: key) { return [single] }
            return try container.decode([String].self, forKey: key)
        }
    }

    /// The outcome of evaluating a policy for one action on one resource.
    public enum Decision: String, Sendable, Hashable {
        /// A statement allows it and none denies it.
        case allow
        /// A statement denies it (explicit deny always wins).
        case explicitDeny
        /// No statement mentions it: denied by default.
        case implicitDeny
    }

    /// The policy language version.
    public var version: String
    /// The statements.
    public var statements: [Statement]

    /// Creates a policy.
    public init(version: String = "2012-10-17", statements: [Statement]) {
        self.version = version
        self.statements = statements
    }

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case statements = "Statement"
    }

    /// Evaluates the policy the way IAM does: an explicit `Deny` wins over any `Allow`; with no
    /// matching statement the answer is an implicit deny.
    ///
    /// - Parameters:
    ///   - action: The action, e.g. `execute-api:Invoke` (matched case-insensitively, as IAM does).
    ///   - resource: The resource ARN (matched case-sensitively).
    /// - Returns: The decision.
    public func evaluate(action: String, resource: String) -> Decision {
        var allowed = false
        for statement in statements {
            // Actions match case-insensitively (IAM's rule), compared in place without copies.
            let actionMatches = statement.actions.contains { WildcardPattern.matches($0, action, ignoringCase: true) }
            guard actionMatches, statement.resources.contains(where: { WildcardPattern.matches($0, resource) }) else { continue }
            if statement.effect == .deny { return .explicitDeny }
            allowed = true
        }
        return allowed ? .allow : .implicitDeny
    }
}
