public import ServiceAuthCore
public import Vapor

/// A guard middleware that applies an ``ServiceAuth/AuthorizationPolicy`` to the identity the
/// ``ServiceAuthAuthenticatorMiddleware``s before it logged in, and runs the rest of the chain
/// with that identity as ``AuthContext/current`` (handlers and outbound clients).
///
/// - nothing proved and the policy needs an identity: `401` listing the challenges of the
///   `authenticators` given here, the first one's code;
/// - the policy denies: `403` in the caller's terms (`missing_scope` with
///   `Bearer error="insufficient_scope"`, or `AccessDenied` for an IAM role).
///
/// Refusals are answered with ``AuthFailureAbort/response()``, exactly the package's format.
///
/// ``AuthContext/current`` is set for async route handlers (`{ req async in … }`) and what they
/// call. A synchronous handler runs on the event loop outside this task: it sees it only when
/// `app.traceAutoPropagation` is on (the identity is also stored in `request.serviceContext`,
/// which Vapor then restores); `req.serviceAuth` always works.
public struct ServiceAuthPolicyMiddleware: AsyncMiddleware {
    /// The policy and the mechanisms whose challenges a `401` lists.
    public let security: RouteSecurity

    /// Creates the guard.
    ///
    /// - Parameters:
    ///   - policy: What an identified caller may do.
    ///   - authenticators: The mechanisms the route accepts, for the `401`'s challenges (they
    ///     are not run here: put a ``ServiceAuthAuthenticatorMiddleware`` for each before it).
    public init(_ policy: ServiceAuthCore.AuthorizationPolicy, authenticators: [any ServiceAuthCore.Authenticator]) {
        self.security = RouteSecurity(authenticators, policy: policy)
    }

    /// Authorises the request, then runs the rest of the chain with its identity current.
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let auth = request.auth.get(AuthContext.self) ?? AuthContext()
        let input = AuthorizationInput(auth: auth, request: VaporBridge.head(of: request), context: VaporBridge.context(of: request, auth: auth))
        if let refusal = try await VaporBridge.refusal({ try await security.authorize(input) }) {
            return refusal
        }
        return try await VaporBridge.passOn(request, as: auth, to: next)
    }
}
