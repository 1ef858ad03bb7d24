public import HTTPTypes

/// What a route asks of its callers: the mechanisms that may identify them, and the policy
/// that decides what an identified caller may do.
///
/// It is attached to routes (``RouteSecurity/protect(_:)``; the server's router groups do it
/// for you), so the path is written once, next to its handler:
///
/// ```swift
/// let reports = RouteSecurity(
///     [BearerTokenAuthenticator(verifier: jwt), SigV4Authenticator(verifier: sigV4)],
///     policy: .scopes("orders/read") || .principals("arn:aws:iam::123456789012:role/reports")
/// )
/// ```
///
/// For each request it runs the authenticators in order; a workload proved by the connection's
/// client certificate (``MutualTLSAuthenticator``) becomes the caller when no token or
/// signature proved one. If no caller was proved and the policy requires one, it answers `401` with the challenges of **every** mechanism the route
/// accepts (the first mechanism's code); otherwise the policy decides, and a denial is `403`.
/// Every failure is thrown as an ``AuthFailure``, which the server or adapter renders.
public struct RouteSecurity: Sendable {
    /// The mechanisms, tried in order.
    public let authenticators: [any Authenticator]
    /// The policy for identified callers.
    public let policy: AuthorizationPolicy

    /// Creates the security of a route.
    ///
    /// - Parameters:
    ///   - authenticators: The mechanisms, tried in order.
    ///   - policy: What an identified caller may do. Default: any authenticated caller.
    public init(_ authenticators: [any Authenticator], policy: AuthorizationPolicy = .authenticated) {
        self.authenticators = authenticators
        self.policy = policy
    }

    /// A public route: no credential is read and everyone passes.
    public static let `public` = RouteSecurity([], policy: .anyone)

    /// Whether the route reads no credential at all.
    public var isPublic: Bool { authenticators.isEmpty && !policy.requiresAuthentication }

    /// Authenticates and authorises a request.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The request's context.
    /// - Returns: The verified identities and the body to hand on (an authenticator that read
    ///   the body replaced it with the bytes it read).
    /// - Throws: ``AuthFailure`` (or another ``AuthFailureConvertible``) for a refused request;
    ///   ``MessageBodyTooLarge`` and body errors from an authenticator that reads the body.
    public func check(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext
    ) async throws -> (auth: AuthContext, body: MessageBody) {
        // The route decides from its own mechanisms only: identities recorded before (by a
        // server-wide AuthenticationMiddleware, say) neither satisfy nor block this route.
        var auth = AuthContext()
        var body = body
        for authenticator in authenticators {
            _ = try await authenticator.authenticate(request, body: &body, auth: &auth, context: context)
        }
        // After every mechanism ran, so a token or signature is never refused as a "second
        // caller" beside the certificate of the connection it arrived on.
        auth.adoptWorkloadAsCaller()
        try await authorize(AuthorizationInput(auth: auth, request: request, context: context))
        return (auth, body)
    }

    /// Applies the policy to identities already proved (the step an adapter runs after its
    /// own authenticator middleware).
    ///
    /// - Parameter input: The identities and the request.
    /// - Throws: ``AuthFailure``: `401` with the route's challenges when nothing was proved and
    ///   the policy needs an identity; `403` when the policy denies.
    public func authorize(_ input: AuthorizationInput) async throws {
        // Adapters that ran the authenticators themselves get the same caller as ``check``.
        var input = input
        input.auth.adoptWorkloadAsCaller()
        // A caller must be proved: a propagated user alone says on whose behalf, not who calls.
        if policy.requiresAuthentication, input.auth.caller == nil {
            throw unauthenticatedFailure(for: input.request)
        }
        if case .deny(let denial) = try await policy.decide(input) {
            // A denied anonymous request is told how to authenticate, not that it may not.
            guard let caller = input.auth.caller else { throw unauthenticatedFailure(for: input.request) }
            throw denial.authFailure(caller: caller)
        }
    }

    /// The `401` for a request that proved nothing: the first mechanism's failure, listing
    /// the challenges of all of them.
    ///
    /// - Parameter request: The request.
    /// - Returns: The failure.
    public func unauthenticatedFailure(for request: HTTPRequest) -> AuthFailure {
        let failures = authenticators.compactMap { $0.unauthenticatedFailure(for: request) }
        guard var failure = failures.first else {
            return AuthFailure(status: .unauthorized, code: "unauthenticated", challenge: nil, message: "this route needs an authenticated caller")
        }
        var challenges: [AuthChallenge] = []
        for challenge in failures.flatMap(\.challenges) where !challenges.contains(challenge) { challenges.append(challenge) }
        failure.challenges = challenges
        return failure
    }

    /// Wraps a handler in this security: the handler runs only for an allowed request, with
    /// the verified identities in ``RequestContext/auth`` and, for everything it calls
    /// (outbound clients included), in ``AuthContext/current`` — one value, set once.
    ///
    /// - Parameter handler: The route's handler.
    /// - Returns: The protected handler; it throws the route's ``AuthFailure``s.
    public func protect(_ handler: @escaping ServerNext) -> ServerNext {
        { request, body, context in try await run(request, body: body, context: context, handler: handler) }
    }

    /// Runs one request through this security and then `handler` (see ``protect(_:)``).
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The request's context.
    ///   - handler: What runs for an allowed request.
    /// - Returns: The handler's response.
    /// - Throws: The route's ``AuthFailure``s and what `handler` throws.
    public func run(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        handler: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        if isPublic {
            return try await AuthContext.withCurrent(context.auth) { try await handler(request, body, context) }
        }
        let (auth, body) = try await check(request, body: body, context: context)
        var context = context
        context.auth = auth
        return try await AuthContext.withCurrent(auth) { try await handler(request, body, context) }
    }
}

/// A server middleware that applies one ``RouteSecurity`` to every request it sees: for a
/// whole server, or in an adapter whose routes carry no security of their own.
public struct AuthenticationMiddleware: ServerMiddleware {
    /// The security applied.
    public let security: RouteSecurity

    /// Creates the middleware.
    ///
    /// - Parameter security: The authenticators and policy.
    public init(_ security: RouteSecurity) { self.security = security }

    /// Authenticates and authorises the request, then passes it on.
    public func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        try await security.run(request, body: body, context: context, handler: next)
    }
}
