public import Hummingbird
public import HummingbirdAuth
public import ServiceAuthCore

/// A hummingbird-auth `AuthenticatorMiddleware` that runs one of the package's
/// ``Authenticator``s (``BearerTokenAuthenticator``, ``SigV4Authenticator``,
/// ``PropagatedUserAuthenticator``, ``IdentityChainAuthenticator``, …).
///
/// Like every hummingbird-auth authenticator it only identifies:
/// - credential absent: the request goes on unchanged (the identity stays `nil` unless an
///   earlier authenticator set it);
/// - credential present and valid: `context.identity` becomes the updated ``AuthContext``;
/// - credential present but invalid: the request is refused with the mechanism's `401`
///   (``AuthFailureResponseError``).
///
/// The identity is set only when something was proved, so hummingbird-auth's
/// `IsAuthenticatedMiddleware` cannot be fooled by an empty ``AuthContext``. Several
/// authenticators in a row add to one ``AuthContext``. What an identified caller may do is
/// ``ServiceAuthPolicyMiddleware``'s business.
///
/// A mechanism that reads the body (SigV4 hashes it, bounded by its `maxBodyBytes`) hands the
/// bytes it read on to the handler; a larger body is `413`.
///
/// ```swift
/// let bearer = BearerTokenAuthenticator(verifier: jwt)
/// router.group("orders")
///     .add(middleware: ServiceAuthAuthenticator(bearer))
///     .add(middleware: ServiceAuthPolicyMiddleware(.scopes("orders/read"), authenticators: [bearer]))
/// ```
public struct ServiceAuthAuthenticator<Context: ServiceAuthRequestContext>: AuthenticatorMiddleware {
    /// The identity type: the package's ``AuthContext``.
    public typealias Identity = AuthContext

    /// The wrapped mechanism.
    public let authenticator: any Authenticator

    /// Wraps a mechanism.
    ///
    /// - Parameters:
    ///   - authenticator: The mechanism.
    ///   - context: The request context type (for type inference only).
    public init(_ authenticator: any Authenticator, context: Context.Type = Context.self) {
        self.authenticator = authenticator
    }

    /// Runs the mechanism and, when it proved something, continues with the updated identity
    /// — in `context.identity` and, for outbound clients, in ``AuthContext/current`` (so an app
    /// that guards with hummingbird-auth's own middleware still propagates the caller).
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        guard let identity = try await authenticate(request: &request, context: context) else {
            return try await next(request, context)
        }
        var context = context
        context.identity = identity
        return try await AuthContext.withCurrent(identity) { [request, context] in try await next(request, context) }
    }

    /// Runs the mechanism on a copy of the request.
    ///
    /// A mechanism that reads the body consumes it, and the copy that gets the bytes back is
    /// discarded: in a router, use the middleware itself (``handle(_:context:next:)``).
    ///
    /// - Returns: The updated ``AuthContext`` when the credential was present and valid, else `nil`.
    /// - Throws: ``AuthFailureResponseError`` for a present but invalid credential.
    public func authenticate(request: Request, context: Context) async throws -> AuthContext? {
        var request = request
        return try await authenticate(request: &request, context: context)
    }

    /// Runs the mechanism, giving `request` back the body it read.
    func authenticate(request: inout Request, context: Context) async throws -> AuthContext? {
        var auth = context.identity ?? AuthContext()
        let core = CoreBridge.requestContext(context, auth: auth)
        let head = request.head
        let proved = try await CoreBridge.translatingErrors {
            try await RequestBodyBridge.withMessageBody(of: &request) { body in
                try await authenticator.authenticate(head, body: &body, auth: &auth, context: core)
            }
        }
        return proved && auth.isAuthenticated ? auth : nil
    }
}
