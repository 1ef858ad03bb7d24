public import ServiceAuthCore

extension AuthorizationPolicy {
    /// A caller whose IAM principal matches one of `patterns` (see ``PrincipalPattern``): an
    /// exact ARN, a role (which also matches its `AssumeRole` sessions), or a prefix ending in `*`.
    ///
    /// - Parameter patterns: The allowed principals.
    /// - Returns: The policy.
    public static func principals(_ patterns: String...) -> AuthorizationPolicy { principals(matching: patterns) }

    /// A caller whose IAM principal matches one of `patterns` (see ``principals(_:)``).
    ///
    /// - Parameter patterns: The allowed principals.
    /// - Returns: The policy.
    public static func principals(matching patterns: [String]) -> AuthorizationPolicy {
        let compiled = patterns.map(PrincipalPattern.init)
        return AuthorizationPolicy { input in
            guard let principal = input.auth.caller?.principal, compiled.contains(where: { $0.matches(principal) }) else {
                return .deny(AuthorizationDenial(.notAllowed, "the principal is not allowed to call this route"))
            }
            return .allow
        }
    }

}
