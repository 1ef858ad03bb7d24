public import Hummingbird
public import ServiceAuthCore

/// A `RouterMiddleware` that applies a whole ``RouteSecurity`` in one step: runs its
/// authenticators in order, then its policy, then the rest of the chain with the verified
/// identity in `context.identity` and ``AuthContext/current``.
///
/// The same as a ``ServiceAuthAuthenticator`` per mechanism followed by a
/// ``ServiceAuthPolicyMiddleware``, in one line:
///
/// ```swift
/// router.group("reports").add(middleware: RouteSecurityMiddleware(RouteSecurity(
///     [BearerTokenAuthenticator(verifier: jwt), SigV4Authenticator(verifier: sigV4)],
///     policy: .scopes("orders/read") || .principals("arn:aws:iam::123456789012:role/reports"))))
/// ```
///
/// Failures are ``AuthFailureResponseError``s (`401` with every mechanism's challenge, `403`);
/// a body over a reading mechanism's limit is `413`.
public struct RouteSecurityMiddleware<Context: ServiceAuthRequestContext>: RouterMiddleware {
    /// The mechanisms and the policy.
    public let security: RouteSecurity

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - security: The route's mechanisms and policy.
    ///   - context: The request context type (for type inference only).
    public init(_ security: RouteSecurity, context: Context.Type = Context.self) {
        self.security = security
    }

    /// Authenticates and authorises the request, then runs the rest of the chain.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let core = CoreBridge.requestContext(context, auth: AuthContext())
        let head = request.head
        let auth = try await CoreBridge.translatingErrors {
            try await RequestBodyBridge.withMessageBody(of: &request) { body in
                let (auth, checked) = try await security.check(head, body: body, context: core)
                body = checked
                return auth
            }
        }
        var context = context
        if auth.isAuthenticated { context.identity = auth }
        return try await AuthContext.withCurrent(auth) { [request, context] in try await next(request, context) }
    }
}
