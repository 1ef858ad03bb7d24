extension AuthorizationPolicy {
    /// Callers of one of `kinds` (e.g. only services may call orders).
    ///
    /// - Parameter kinds: The allowed caller kinds.
    /// - Returns: The policy.
    public static func callerKind(_ kinds: Identity.Kind...) -> AuthorizationPolicy {
        let allowed = Set(kinds)
        return AuthorizationPolicy { input in
            guard let caller = input.auth.caller, allowed.contains(caller.kind) else {
                let names = kinds.map(\.rawValue).joined(separator: " or ")
                return .deny(AuthorizationDenial(.notAllowed, "only \(names) callers may call this route"))
            }
            return .allow
        }
    }

    /// A caller granted every one of `scopes`.
    ///
    /// - Parameter scopes: The scopes that must all be granted.
    /// - Returns: The policy.
    public static func scopes(_ scopes: String...) -> AuthorizationPolicy { allScopes(scopes) }

    /// A caller granted every one of `scopes`.
    ///
    /// - Parameter scopes: The scopes that must all be granted.
    /// - Returns: The policy.
    public static func allScopes(_ scopes: [String]) -> AuthorizationPolicy {
        AuthorizationPolicy { input in
            let granted = input.auth.caller?.scopes ?? []
            if let missing = scopes.first(where: { !granted.contains($0) }) {
                return .deny(AuthorizationDenial(.missingScope, "the token lacks the scope \(missing)"))
            }
            return .allow
        }
    }

    /// A caller granted at least one of `scopes`.
    ///
    /// - Parameter scopes: The scopes of which one must be granted.
    /// - Returns: The policy.
    public static func anyScope(_ scopes: String...) -> AuthorizationPolicy { anyScope(of: scopes) }

    /// A caller granted at least one of `scopes`.
    ///
    /// - Parameter scopes: The scopes of which one must be granted.
    /// - Returns: The policy.
    public static func anyScope(of scopes: [String]) -> AuthorizationPolicy {
        AuthorizationPolicy { input in
            let granted = input.auth.caller?.scopes ?? []
            guard scopes.contains(where: granted.contains) else {
                return .deny(AuthorizationDenial(.missingScope, "the token has none of the scopes \(scopes.joined(separator: " "))"))
            }
            return .allow
        }
    }

    /// A user in at least one of `groups`: the verified end user (``AuthContext/user``) when
    /// there is one, else the caller.
    ///
    /// - Parameter groups: The groups of which the user must be in one.
    /// - Returns: The policy.
    public static func groups(_ groups: String...) -> AuthorizationPolicy { anyGroup(of: groups) }

    /// A user in at least one of `groups` (see ``groups(_:)``).
    ///
    /// - Parameter groups: The groups of which the user must be in one.
    /// - Returns: The policy.
    public static func anyGroup(of groups: [String]) -> AuthorizationPolicy {
        AuthorizationPolicy { input in
            let held = (input.auth.user ?? input.auth.caller)?.groups ?? []
            guard groups.contains(where: held.contains) else {
                return .deny(AuthorizationDenial(.missingGroup, "the user is in none of the groups \(groups.joined(separator: " "))"))
            }
            return .allow
        }
    }

    /// A caller authenticated as one of the OAuth clients `clientIds` (`client_id`).
    ///
    /// - Parameter clientIds: The allowed client ids.
    /// - Returns: The policy.
    public static func clientIds(_ clientIds: String...) -> AuthorizationPolicy {
        let allowed = Set(clientIds)
        return AuthorizationPolicy { input in
            guard let clientId = input.auth.caller?.clientId, allowed.contains(clientId) else {
                return .deny(AuthorizationDenial(.notAllowed, "the client is not allowed to call this route"))
            }
            return .allow
        }
    }

    /// A custom predicate over the identities and the request.
    ///
    /// - Parameters:
    ///   - message: The explanation of a denial (safe to show the caller).
    ///   - predicate: Whether the request is allowed.
    /// - Returns: The policy.
    public static func custom(
        message: String = "the caller may not do this",
        _ predicate: @escaping @Sendable (_ input: AuthorizationInput) async throws -> Bool
    ) -> AuthorizationPolicy {
        AuthorizationPolicy { input in
            try await predicate(input) ? .allow : .deny(AuthorizationDenial(.notAllowed, message))
        }
    }
}
