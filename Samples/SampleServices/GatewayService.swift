import Foundation
import HTTPTypes
public import ServiceAuth
import ServiceAuthHTTP

/// **gateway**: the front door, modelled on API Gateway with a Lambda authorizer. The
/// authorizer verifies the user's access token and returns an IAM-style policy that is
/// evaluated against the request's method ARN; results are cached per token. The authorizer's
/// context reaches the gateway's handlers in `context.auth.attributes` (what API Gateway hands
/// its integration; `/whoami` shows it). Then gateway calls orders with its own
/// client-credentials token and the propagated user token.
///
/// Security decision: the authorizer's context is *not* forwarded to orders as headers. Orders
/// could not verify such claims; it verifies the user's token itself instead, which carries
/// the same facts with the issuer's signature.
public enum GatewayService {
    /// The API whose method ARNs the authorizer's policies name.
    public static func api(region: String) -> ExecuteAPIResource {
        ExecuteAPIResource(region: region, accountId: "123456789012", apiId: "local", stage: "prod")
    }

    /// What each scope may call (the sample policy of the samples issue).
    public static let rules: [JWTAuthorizer.Rule] = [
        .allow(scope: "orders/read", method: "GET", path: "orders/*"),
        .allow(scope: "orders/write", method: "POST", path: "orders"),
        // Any valid token may ask who it is.
        .allow(method: "*", path: "whoami"),
        .allow(method: "*", path: "whoami/*"),
    ]

    /// Builds the service from its flags.
    ///
    /// - Throws: ``SampleFlagError`` naming a missing or bad flag.
    public static func make(_ options: SampleOptions) async throws -> SampleService {
        if options.noAuth { return unauthenticated(options) }
        let transport = AsyncHTTPTransport()
        guard let verifiers = try SampleVerifiers(options, transport: transport) else {
            throw SampleFlagError(flag: "--issuer", reason: "gateway verifies user tokens and needs the issuer")
        }
        let api = api(region: options.region)
        let middleware: [any ServerMiddleware] = [
            AuthorizerMiddleware(
                authorizer: JWTAuthorizer(verifier: verifiers.caller, resource: api, rules: rules),
                resource: api,
                cache: AuthorizerResultCache(ttl: .seconds(300)),
                publicPaths: SampleService.publicPaths
            ),
        ]
        let orders = Downstream(name: "orders", baseURL: options.ordersUrl, client: try ordersClient(options, transport: transport))
        return SampleService(
            name: "gateway",
            configuration: HTTPServerConfiguration(host: options.host, port: options.port),
            router: routes(orders),
            middleware: middleware,
            metrics: ServiceMetrics(),
            companions: [verifiers.refresher],
            prepare: { try await verifiers.hydrate() }
        )
    }

    /// The benchmark baseline (`--no-auth`): the same routes, no verification, no credentials.
    private static func unauthenticated(_ options: SampleOptions) -> SampleService {
        let orders = Downstream(name: "orders", baseURL: options.ordersUrl, client: ServiceHTTPClient())
        return SampleService(
            name: "gateway", configuration: HTTPServerConfiguration(host: options.host, port: options.port),
            router: routes(orders), middleware: [], metrics: ServiceMetrics())
    }

    /// The business routes: each forwards to orders and prepends this hop.
    private static func routes(_ orders: Downstream) -> Router {
        var router = Router()
        router.get("/orders/{id}") { _, _, context in
            let id = context.pathParameters["id"] ?? ""
            return await orders.call(.get, "/orders/\(PathSegment.encode(id))",
                                     hop: Hop(service: "gateway", auth: context.auth), service: "gateway")
        }
        router.post("/orders") { _, body, context in
            let bytes = try await body.collect(upTo: 64 * 1024)
            return await orders.call(.post, "/orders", body: bytes, hop: Hop(service: "gateway", auth: context.auth), service: "gateway")
        }
        return router
    }

    /// The client for orders: the gateway's own client-credentials token, the user's token
    /// propagated, and the chain.
    private static func ordersClient(_ options: SampleOptions, transport: any HTTPTransport) throws -> ServiceHTTPClient? {
        guard let endpoint = options.tokenEndpoint, let clientId = options.outboundClientId ?? options.clientId.first,
              let secret = options.clientSecret
        else { return nil }
        let tokens = ClientCredentialsTokenProvider(
            configuration: .init(
                tokenEndpoint: endpoint, clientId: clientId, clientSecret: secret,
                // Plain http is refused unless the endpoint's parsed host is loopback.
                scopes: options.scope.isEmpty ? ["orders/invoke"] : options.scope
            ),
            transport: transport
        )
        return ServiceHTTPClient(middleware: [
            BearerTokenMiddleware(provider: tokens),
            UserTokenPropagationMiddleware(),
            try IdentityChainPropagationMiddleware(serviceName: "gateway"),
        ])
    }
}
