public import ServiceAuthCore
public import Vapor

/// A middleware that applies a whole ``RouteSecurity`` in one step: its authenticators in
/// order, its policy, then the rest of the chain with the verified identity logged in
/// (`req.auth.get(AuthContext.self)`) and ``AuthContext/current``.
///
/// The same as a ``ServiceAuthAuthenticatorMiddleware`` per mechanism followed by a
/// ``ServiceAuthPolicyMiddleware``:
///
/// ```swift
/// app.grouped(RouteSecurityMiddleware(RouteSecurity(
///     [BearerTokenAuthenticator(verifier: jwt), SigV4Authenticator(verifier: sigV4)],
///     policy: .scopes("orders/read") || .principals("arn:aws:iam::123456789012:role/reports")
/// ))).get("reports") { req async in … }
/// ```
///
/// ``AuthContext/current`` is set for async route handlers (`{ req async in … }`) and what they
/// call. A synchronous handler runs on the event loop outside this task: it sees it only when
/// `app.traceAutoPropagation` is on (the identity is also stored in `request.serviceContext`,
/// which Vapor then restores); `req.serviceAuth` always works.
public struct RouteSecurityMiddleware: AsyncMiddleware {
    /// The mechanisms and the policy.
    public let security: RouteSecurity
    /// The largest body collected for a mechanism that reads it.
    public let maxBodyBytes: Int

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - security: The route's mechanisms and policy.
    ///   - maxBodyBytes: The largest body collected; by default the largest
    ///     ``SigV4Authenticator/maxBodyBytes`` among the mechanisms, else 1 MiB.
    public init(_ security: RouteSecurity, maxBodyBytes: Int? = nil) {
        self.security = security
        let bodyLimits = security.authenticators.compactMap(\.bodyLimit)
        self.maxBodyBytes = maxBodyBytes ?? bodyLimits.max() ?? 1 << 20
    }

    /// Authenticates and authorises the request, then passes it on.
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let context = VaporBridge.context(of: request, auth: AuthContext())
        let head = VaporBridge.head(of: request)
        let body = VaporBridge.body(of: request, limit: maxBodyBytes)
        var auth = AuthContext()
        if let refusal = try await VaporBridge.refusal({ auth = try await security.check(head, body: body, context: context).auth }) {
            return refusal
        }
        if auth.isAuthenticated { request.auth.login(auth) }
        return try await VaporBridge.passOn(request, as: auth, to: next)
    }
}
