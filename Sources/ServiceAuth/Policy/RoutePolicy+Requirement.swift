extension RoutePolicy {
    /// What a route needs from the caller.
    public struct Requirement: Sendable, Hashable {
        /// Whether the route is public: no token is read or required.
        public var isPublic: Bool
        /// Scopes that must all be granted.
        public var allScopes: [String]
        /// Scopes of which one must be granted (ignored when empty).
        public var anyScopes: [String]
        /// Groups of which the user must be in one (ignored when empty).
        public var anyGroups: [String]

        /// Creates a requirement.
        ///
        /// - Parameters:
        ///   - isPublic: Whether no authentication is needed.
        ///   - allScopes: Scopes that must all be granted.
        ///   - anyScopes: Scopes of which one must be granted.
        ///   - anyGroups: Groups of which one must be held.
        public init(isPublic: Bool = false, allScopes: [String] = [], anyScopes: [String] = [], anyGroups: [String] = []) {
            self.isPublic = isPublic
            self.allScopes = allScopes
            self.anyScopes = anyScopes
            self.anyGroups = anyGroups
        }

        /// No authentication.
        public static let `public` = Requirement(isPublic: true)
        /// Any valid token.
        public static let authenticated = Requirement()

        /// A valid token granting all of `scopes`.
        ///
        /// - Parameter scopes: The scopes.
        /// - Returns: The requirement.
        public static func scopes(_ scopes: String...) -> Requirement { Requirement(allScopes: scopes) }

        /// A valid token granting at least one of `scopes`.
        ///
        /// - Parameter scopes: The scopes.
        /// - Returns: The requirement.
        public static func anyScope(_ scopes: String...) -> Requirement { Requirement(anyScopes: scopes) }

        /// A valid token of a user in at least one of `groups`.
        ///
        /// - Parameter groups: The groups.
        /// - Returns: The requirement.
        public static func groups(_ groups: String...) -> Requirement { Requirement(anyGroups: groups) }

        /// Checks `identity` against the requirement.
        ///
        /// - Parameter identity: The verified caller.
        /// - Throws: ``JWTError`` `missing_scope` or `missing_group` (403).
        public func check(_ identity: Identity) throws(JWTError) {
            if let missing = allScopes.first(where: { !identity.scopes.contains($0) }) {
                throw JWTError(.missingScope, "the token lacks the scope \(missing)")
            }
            if !anyScopes.isEmpty, !anyScopes.contains(where: identity.scopes.contains) {
                throw JWTError(.missingScope, "the token has none of the scopes \(anyScopes.joined(separator: " "))")
            }
            if !anyGroups.isEmpty, !anyGroups.contains(where: identity.groups.contains) {
                throw JWTError(.missingGroup, "the user is in none of the groups \(anyGroups.joined(separator: " "))")
            }
        }
    }
}
