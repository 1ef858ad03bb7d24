public import ServiceAuthCore
public import Vapor

/// A Vapor authenticator middleware that runs one of the package's ``ServiceAuth/Authenticator``s
/// (``BearerTokenAuthenticator``, ``SigV4Authenticator``, ``PropagatedUserAuthenticator``, …)
/// and logs the request in as the updated ``AuthContext`` (`req.auth.login`) when it proved
/// something.
///
/// - credential absent: the request goes on unchanged (nothing is logged in, so Vapor's
///   `guardMiddleware()` is not fooled);
/// - present and valid: `req.auth.get(AuthContext.self)` (or ``Vapor/Request/serviceAuth``) is
///   the updated identity; several of these middleware add to one ``AuthContext``;
/// - present but invalid: the mechanism's `401`, answered with ``AuthFailureAbort/response()``.
///
/// A mechanism that reads the body (SigV4) gets it collected on first read, bounded by
/// ``maxBodyBytes`` (`413` beyond); Vapor keeps the collected bytes for the handler.
public struct ServiceAuthAuthenticatorMiddleware: AsyncAuthenticator {
    /// The wrapped mechanism.
    public let authenticator: any ServiceAuthCore.Authenticator
    /// The largest body collected for a mechanism that reads it.
    public let maxBodyBytes: Int

    /// Wraps a mechanism.
    ///
    /// - Parameters:
    ///   - authenticator: The mechanism.
    ///   - maxBodyBytes: The largest body collected for it; by default a
    ///     ``SigV4Authenticator``'s own ``SigV4Authenticator/maxBodyBytes``, else 1 MiB.
    public init(_ authenticator: any ServiceAuthCore.Authenticator, maxBodyBytes: Int? = nil) {
        self.authenticator = authenticator
        self.maxBodyBytes = maxBodyBytes ?? authenticator.bodyLimit ?? 1 << 20
    }

    /// Runs the mechanism, logs in what it proved, and passes the request on.
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var auth = request.auth.get(AuthContext.self) ?? AuthContext()
        let head = VaporBridge.head(of: request)
        let context = VaporBridge.context(of: request, auth: auth)
        var body = VaporBridge.body(of: request, limit: maxBodyBytes)
        var proved = false
        if let refusal = try await VaporBridge.refusal({
            proved = try await authenticator.authenticate(head, body: &body, auth: &auth, context: context)
        }) {
            return refusal
        }
        guard proved, auth.isAuthenticated else { return try await next.respond(to: request) }
        request.auth.login(auth)
        // Outbound clients see the caller even when the app guards with Vapor's own middleware.
        return try await VaporBridge.passOn(request, as: auth, to: next)
    }
}
