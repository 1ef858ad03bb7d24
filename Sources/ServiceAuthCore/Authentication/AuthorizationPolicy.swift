public import HTTPTypes

/// What a route's authenticated caller may do: one composable policy over ``AuthContext`` and
/// the request.
///
/// Policies are values built from small rules and combined with ``allOf(_:)``, ``anyOf(_:)``
/// and ``not(_:)``, or `&&`, `||` and `!`:
///
/// ```swift
/// // "a JWT with scope orders/read, or SigV4 from the reports role"
/// let policy: AuthorizationPolicy = .scopes("orders/read") || .principals("arn:aws:iam::123456789012:role/reports")
/// ```
///
/// A policy decides only for a caller that some authenticator proved; a request that proved
/// nothing gets `401` from ``RouteSecurity`` before any rule runs (unless the policy is
/// ``anyone``). A denial becomes `403` (see ``AuthorizationDenial``).
public struct AuthorizationPolicy: Sendable {
    /// Decides one request.
    public typealias Rule = @Sendable (_ input: AuthorizationInput) async throws -> AuthorizationDecision

    /// Whether an unauthenticated request is refused (`401`) before the rule runs.
    public let requiresAuthentication: Bool
    private let rule: Rule

    /// Creates a policy from a rule.
    ///
    /// - Parameters:
    ///   - requiresAuthentication: Whether a request that proved no identity is refused with
    ///     `401` before `rule` runs. Default `true`, the secure choice.
    ///   - rule: Decides an authenticated request.
    public init(requiresAuthentication: Bool = true, _ rule: @escaping Rule) {
        self.requiresAuthentication = requiresAuthentication
        self.rule = rule
    }

    /// Decides a request.
    ///
    /// - Parameter input: The verified identities and the request.
    /// - Returns: Allow, or the reason for a denial.
    /// - Throws: What a custom rule throws.
    public func decide(_ input: AuthorizationInput) async throws -> AuthorizationDecision {
        try await rule(input)
    }

    /// Any authenticated caller.
    public static let authenticated = AuthorizationPolicy { _ in .allow }

    /// Everyone, authenticated or not: the authenticators identify callers who present a
    /// credential (an invalid one is still refused), and anonymous requests pass too.
    public static let anyone = AuthorizationPolicy(requiresAuthentication: false) { _ in .allow }

    /// Nobody.
    public static let nobody = AuthorizationPolicy { _ in .deny(AuthorizationDenial(.notAllowed, "this route allows no caller")) }

    /// Allows a request that every policy allows; the first denial is the answer.
    ///
    /// - Parameter policies: The policies, checked in order.
    /// - Returns: The combined policy; with no policies it allows nobody (an empty list from a
    ///   configuration must not turn a route public).
    public static func allOf(_ policies: [AuthorizationPolicy]) -> AuthorizationPolicy {
        guard !policies.isEmpty else { return .nobody }
        return AuthorizationPolicy(requiresAuthentication: policies.contains(where: \.requiresAuthentication)) { input in
            for policy in policies {
                if case .deny(let denial) = try await policy.decide(input) { return .deny(denial) }
            }
            return .allow
        }
    }

    /// Allows a request that one of the policies allows; when all deny, the first denial is the
    /// answer.
    ///
    /// - Parameter policies: The policies, checked in order until one allows.
    /// - Returns: The combined policy; with no policies it allows nobody.
    public static func anyOf(_ policies: [AuthorizationPolicy]) -> AuthorizationPolicy {
        AuthorizationPolicy(requiresAuthentication: policies.isEmpty || policies.allSatisfy(\.requiresAuthentication)) { input in
            var firstDenial: AuthorizationDenial?
            for policy in policies {
                switch try await policy.decide(input) {
                case .allow: return .allow
                case .deny(let denial): firstDenial = firstDenial ?? denial
                }
            }
            return .deny(firstDenial ?? AuthorizationDenial(.notAllowed, "this route allows no caller"))
        }
    }

    /// Allows what `policy` denies and denies what it allows. Always requires authentication.
    ///
    /// - Parameters:
    ///   - policy: The policy to invert.
    ///   - message: The explanation of a denial.
    /// - Returns: The inverted policy.
    public static func not(_ policy: AuthorizationPolicy, message: String = "the caller is excluded from this route") -> AuthorizationPolicy {
        AuthorizationPolicy { input in
            switch try await policy.decide(input) {
            case .allow: .deny(AuthorizationDenial(.notAllowed, message))
            case .deny: .allow
            }
        }
    }

    /// Both policies (``allOf(_:)``).
    public static func && (lhs: AuthorizationPolicy, rhs: AuthorizationPolicy) -> AuthorizationPolicy { allOf([lhs, rhs]) }
    /// Either policy (``anyOf(_:)``).
    public static func || (lhs: AuthorizationPolicy, rhs: AuthorizationPolicy) -> AuthorizationPolicy { anyOf([lhs, rhs]) }
    /// The inverse policy (``not(_:message:)``).
    public static prefix func ! (policy: AuthorizationPolicy) -> AuthorizationPolicy { not(policy) }
}

/// What a policy decides on: the verified identities and the request.
public struct AuthorizationInput: Sendable {
    /// The identities the route's authenticators proved.
    public var auth: AuthContext
    /// The request head.
    public var request: HTTPRequest
    /// The request's context (route pattern, path parameters, peer).
    public var context: RequestContext

    /// Creates an input.
    public init(auth: AuthContext, request: HTTPRequest, context: RequestContext) {
        self.auth = auth
        self.request = request
        self.context = context
    }
}

/// A policy's answer.
public enum AuthorizationDecision: Sendable, Hashable {
    /// The request may proceed.
    case allow
    /// The request is refused (`403`).
    case deny(AuthorizationDenial)
}

/// Why a policy refused an authenticated caller.
///
/// ``authFailure(caller:)`` renders it in the caller's own terms: an IAM principal (SigV4) gets
/// AWS's `AccessDenied`; a token holder gets RFC 6750's `insufficient_scope` challenge with
/// `missing_scope` or `missing_group` (CONTRACT.md). A workload rule speaks of the certificate
/// whoever the caller is: `403 workload_not_allowed`, or `401 missing_client_certificate`
/// when the connection presented none (the request lacks a credential, as any other `401`).
public struct AuthorizationDenial: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of shortfall.
    public enum Reason: String, Sendable, Hashable {
        /// The caller lacks a scope the route needs.
        case missingScope
        /// The user is in none of the groups the route needs.
        case missingGroup
        /// The caller is not one the route allows (kind, principal, client, custom rule).
        case notAllowed
        /// The route needs a workload proved by a client certificate and the connection
        /// presented none (mutual TLS).
        case missingClientCertificate
        /// The connection's workload is not one the route allows.
        case workloadNotAllowed
    }

    /// The kind of shortfall.
    public var reason: Reason
    /// An explanation that is safe to show the caller.
    public var message: String

    /// Creates a denial.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The reason and message.
    public var description: String { "\(reason.rawValue): \(message)" }

    /// The `403` for `caller`.
    ///
    /// - Parameter caller: The verified caller, which decides the vocabulary.
    /// - Returns: `missing_client_certificate` (`401`) or `workload_not_allowed` for the workload
    ///   rules; `AccessDenied` for an IAM role; `missing_group` or `missing_scope` with
    ///   `Bearer error="insufficient_scope"` otherwise.
    public func authFailure(caller: Identity?) -> AuthFailure {
        switch reason {
        case .missingClientCertificate:
            return AuthFailure(status: .unauthorized, code: "missing_client_certificate", challenge: nil, message: message)
        case .workloadNotAllowed:
            return AuthFailure(status: .forbidden, code: "workload_not_allowed", challenge: nil, message: message)
        case .missingScope, .missingGroup, .notAllowed:
            break
        }
        if caller?.kind == .role {
            return AuthFailure(status: .forbidden, code: "AccessDenied", challenge: .sigV4, message: message)
        }
        let code = reason == .missingGroup ? "missing_group" : "missing_scope"
        return AuthFailure(status: .forbidden, code: code, challenge: .bearerInsufficientScope, message: message)
    }
}
