public import HTTPTypes

/// A server middleware that asks an ``Authorizer`` about the bearer token and enforces the
/// returned policy against the request's method ARN — API Gateway's Lambda-authorizer flow.
///
/// - no token → `401 missing_token`; an invalid token → the authorizer's `401`;
/// - a policy that does not allow `execute-api:Invoke` on the method ARN (implicit deny), or
///   explicitly denies it → `403 missing_scope` with `Bearer error="insufficient_scope"`;
/// - otherwise the verified identity, the user's token (for propagation) and the authorizer's
///   context are stored in ``RequestContext/auth``.
///
/// Results are cached per token (``AuthorizerResultCache``), so a token's repeat requests cost
/// one dictionary lookup and a policy evaluation.
public struct AuthorizerMiddleware: ServerMiddleware {
    private let authorizer: any Authorizer
    private let resource: ExecuteAPIResource
    private let cache: AuthorizerResultCache?
    private let publicPaths: Set<String>

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - authorizer: Decides the policy for a token.
    ///   - resource: Builds the request's method ARN.
    ///   - cache: Caches results per token; `nil` disables caching.
    ///   - publicPaths: Exact paths that need no token (e.g. `/healthz`, `/metrics`).
    public init(
        authorizer: any Authorizer,
        resource: ExecuteAPIResource,
        cache: AuthorizerResultCache? = AuthorizerResultCache(),
        publicPaths: Set<String> = []
    ) {
        self.authorizer = authorizer
        self.resource = resource
        self.cache = cache
        self.publicPaths = publicPaths
    }

    /// Authorizes the request or answers `401`/`403`.
    ///
    /// - Throws: ``AuthFailure`` for refused requests; the authorizer's errors for invalid tokens.
    public func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        let path = request.path ?? "/"
        let pathOnly = String(RequestPath.withoutQuery(path))
        if publicPaths.contains(pathOnly) { return try await next(request, body, context) }

        let token: String
        switch BearerToken.extract(from: request.headerFields) {
        case .missing, .noBearerCredential:
            throw AuthFailure(status: .unauthorized, code: "missing_token", challenge: "Bearer", message: "a bearer token is required")
        case .malformed:
            throw AuthFailure(
                status: .unauthorized, code: "malformed", challenge: #"Bearer error="invalid_token""#,
                message: "the Authorization header is not a single well-formed bearer token")
        case .token(let value):
            token = value
        }

        let methodArn = resource.methodArn(method: request.method, path: pathOnly)
        let result: AuthorizerResult
        if let cached = cache?.result(for: token) {
            result = cached
        } else {
            result = try await authorizer.authorize(
                AuthorizationRequest(token: token, methodArn: methodArn, method: request.method, path: pathOnly))
            cache?.store(result, for: token)
        }

        switch result.policy.evaluate(action: "execute-api:Invoke", resource: methodArn) {
        case .allow:
            var context = context
            context.auth.caller = result.identity
            if result.identity?.kind == .user {
                context.auth.user = result.identity
                context.auth.userToken = result.userToken
            }
            context.auth.attributes.merge(result.context) { _, new in new }
            return try await next(request, body, context)
        case .explicitDeny, .implicitDeny:
            throw AuthFailure(
                status: .forbidden, code: "missing_scope", challenge: #"Bearer error="insufficient_scope""#,
                message: "the token's policy does not allow \(request.method.rawValue) \(pathOnly)")
        }
    }
}
