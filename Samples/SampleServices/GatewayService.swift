import Foundation
import HTTPTypes
public import ServiceAuth
import ServiceAuthHTTP

/// **gateway**: the front door, modelled on API Gateway with a Cognito-backed authorizer: the
/// user's access token is verified (and cached), and the scopes it grants become an IAM-style
/// policy evaluated against the request's method ARN. Then gateway calls orders with its own
/// client-credentials token and the propagated user token.
public enum GatewayService {
    /// The API whose method ARNs the authorizer's policies name.
    public static func api(region: String) -> ExecuteAPIResource {
        ExecuteAPIResource(region: region, accountId: "123456789012", apiId: "local", stage: "prod")
    }

    /// What each scope may call (the sample policy of the samples issue).
    public static let rules: [ExecuteAPIRule] = [
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
        if options.noAuth { return try unauthenticated(options) }
        let transport = AsyncHTTPTransport(httpClient: try options.tls.outboundHTTPClient())
        guard let verifiers = try SampleVerifiers(options, transport: transport) else {
            throw SampleFlagError(flag: "--issuer", reason: "gateway verifies user tokens and needs the issuer")
        }
        let security = options.security(
            [BearerTokenAuthenticator(verifier: verifiers.caller, cachesVerifiedTokens: !options.noTokenCache)],
            policy: .executeAPI(api(region: options.region), rules: rules)
        )
        let orders = Downstream(name: "orders", baseURL: options.ordersUrl, client: try ordersClient(options, transport: transport))
        return SampleService(
            name: "gateway",
            configuration: try options.tls.serverConfiguration(host: options.host, port: options.port),
            security: security,
            metrics: ServiceMetrics(),
            companions: [verifiers.refresher],
            prepare: { try await verifiers.hydrate() }
        ) { routes(&$0, orders) }
    }

    /// The benchmark baseline (`--no-auth`): the same routes, no verification, no credentials.
    private static func unauthenticated(_ options: SampleOptions) throws -> SampleService {
        let orders = Downstream(name: "orders", baseURL: options.ordersUrl, client: ServiceHTTPClient(httpClient: try options.tls.outboundHTTPClient()))
        return SampleService(
            name: "gateway", configuration: try options.tls.serverConfiguration(host: options.host, port: options.port),
            security: .public, metrics: ServiceMetrics()) { routes(&$0, orders) }
    }

    /// The business routes: each forwards to orders and prepends this hop.
    private static func routes(_ router: inout Router, _ orders: Downstream) {
        router.get("/orders/{id}") { _, _, context in
            let id = context.pathParameters["id"] ?? ""
            return await orders.call(.get, "/orders/\(PathSegment.encode(id))",
                                     hop: Hop(service: "gateway", auth: context.auth), service: "gateway")
        }
        router.post("/orders") { _, body, context in
            let bytes = try await body.collect(upTo: 64 * 1024)
            return await orders.call(.post, "/orders", body: bytes, hop: Hop(service: "gateway", auth: context.auth), service: "gateway")
        }
    }

    /// The client for orders: the gateway's own client-credentials token, the user's token
    /// propagated, and the chain.
    private static func ordersClient(_ options: SampleOptions, transport: any HTTPTransport) throws -> ServiceHTTPClient? {
        guard let endpoint = try options.url(options.tokenEndpoint, flag: "--token-endpoint"), let clientId = options.outboundClientId ?? options.clientId.first,
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
        ], httpClient: try options.tls.outboundHTTPClient())
    }
}
