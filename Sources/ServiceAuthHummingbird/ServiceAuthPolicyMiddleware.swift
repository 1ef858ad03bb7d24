public import Hummingbird
public import ServiceAuthCore

/// A `RouterMiddleware` that applies an ``ServiceAuth/AuthorizationPolicy`` to the identity
/// the ``ServiceAuthAuthenticator``s before it proved, and makes that identity
/// ``AuthContext/current`` for the rest of the chain (handlers and outbound clients).
///
/// - nothing proved and the policy needs an identity: `401` listing the challenges of the
///   `authenticators` given here (the route's mechanisms), the first one's code;
/// - the policy denies: `403` in the caller's terms (`missing_scope` with
///   `Bearer error="insufficient_scope"`, or `AccessDenied` for an IAM role);
/// - allowed: the next middleware or the handler runs inside ``AuthContext/withCurrent(_:operation:)``.
///
/// Failures are ``AuthFailureResponseError``s.
public struct ServiceAuthPolicyMiddleware<Context: ServiceAuthRequestContext>: RouterMiddleware {
    /// The policy and the mechanisms whose challenges a `401` lists.
    public let security: RouteSecurity

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - policy: What an identified caller may do.
    ///   - authenticators: The mechanisms the route accepts, for the `401`'s challenges (they
    ///     are not run here: add a ``ServiceAuthAuthenticator`` for each before this).
    ///   - context: The request context type (for type inference only).
    public init(
        _ policy: ServiceAuthCore.AuthorizationPolicy,
        authenticators: [any Authenticator],
        context: Context.Type = Context.self
    ) {
        self.security = RouteSecurity(authenticators, policy: policy)
    }

    /// Authorises the request, then runs the rest of the chain with its identity current.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let auth = context.identity ?? AuthContext()
        let input = AuthorizationInput(auth: auth, request: request.head, context: CoreBridge.requestContext(context, auth: auth))
        try await CoreBridge.translatingErrors { try await security.authorize(input) }
        return try await AuthContext.withCurrent(auth) { try await next(request, context) }
    }
}
