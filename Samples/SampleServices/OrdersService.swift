import Foundation
import HTTPTypes
public import ServiceAuth
import ServiceAuthHTTP

/// **orders**: the middle service. It accepts only *service* callers whose token carries
/// `orders/invoke` (the gateway's client), verifies the propagated user token itself, and calls
/// inventory signed with SigV4 using credentials from `AssumeRole`.
public enum OrdersService {
    /// The role orders assumes by default to call inventory.
    public static let defaultRoleArn = "arn:aws:iam::123456789012:role/orders"

    /// Builds the service from its flags.
    ///
    /// - Throws: ``SampleFlagError`` naming a missing or bad flag.
    /// - Parameters:
    ///   - options: The flags.
    ///   - credentials: Credentials for signing calls to inventory; by default an `AssumeRole`
    ///     provider built from the flags (the demo passes its own to reuse them).
    public static func make(_ options: SampleOptions, credentials: (any AWSCredentialsProvider)? = nil) async throws -> SampleService {
        if options.noAuth {
            // The benchmark baseline: the same routes, no verification, no credentials.
            let inventory = Downstream(name: "inventory", baseURL: options.inventoryUrl, client: ServiceHTTPClient(httpClient: try options.tls.outboundHTTPClient()))
            return SampleService(name: "orders", configuration: try options.tls.serverConfiguration(host: options.host, port: options.port),
                                 security: .public, metrics: ServiceMetrics()) { routes(&$0, inventory) }
        }
        let transport = AsyncHTTPTransport(httpClient: try options.tls.outboundHTTPClient())
        guard let verifiers = try SampleVerifiers(options, transport: transport) else { throw SampleFlagError(flag: "--issuer", reason: "orders verifies bearer tokens and needs the issuer") }

        // Security decision: only a machine client holding `orders/invoke` may call orders; a
        // user's own token, even with that scope, is not a service credential. The user is
        // verified again here, from the token itself, not from the gateway's word.
        let security = options.security(
            [
                BearerTokenAuthenticator(verifier: verifiers.caller, cachesVerifiedTokens: !options.noTokenCache),
                PropagatedUserAuthenticator(verifier: verifiers.user),
                IdentityChainAuthenticator(),
            ],
            policy: .callerKind(.service) && .scopes("orders/invoke")
        )

        let inventory = Downstream(name: "inventory", baseURL: options.inventoryUrl, client: try inventoryClient(options, credentials: credentials ?? (try assumeRoleProvider(options, transport: transport))))
        return SampleService(
            name: "orders",
            configuration: try options.tls.serverConfiguration(host: options.host, port: options.port),
            security: security,
            metrics: ServiceMetrics(),
            companions: [verifiers.refresher],
            prepare: { try await verifiers.hydrate() }
        ) { routes(&$0, inventory) }
    }

    /// The business routes: each forwards to inventory and prepends this hop.
    private static func routes(_ router: inout Router, _ inventory: Downstream) {
        router.get("/orders/{id}") { _, _, context in
            let id = context.pathParameters["id"] ?? ""
            return await inventory.call(.get, "/items/\(PathSegment.encode(id))",
                                        hop: Hop(service: "orders", auth: context.auth), service: "orders")
        }
        router.post("/orders") { _, body, context in
            let order = (try? JSONDecoder().decode(OrderRequest.self, from: Data(try await body.collect(upTo: 64 * 1024))))
                ?? OrderRequest(item: "1", quantity: 1)
            let payload = try JSONEncoder().encode(["quantity": order.quantity])
            return await inventory.call(.post, "/items/\(PathSegment.encode(order.item))/reserve", body: Array(payload),
                                        hop: Hop(service: "orders", auth: context.auth), service: "orders")
        }
    }

    /// The client for inventory: user propagation, chain propagation, then SigV4 signing last
    /// (so the signature covers every header the others added).
    private static func inventoryClient(_ options: SampleOptions, credentials: (any AWSCredentialsProvider)?) throws -> ServiceHTTPClient? {
        guard let credentials else { return nil }
        return ServiceHTTPClient(middleware: [
            UserTokenPropagationMiddleware(),
            try IdentityChainPropagationMiddleware(serviceName: "orders"),
            SigV4SigningMiddleware(signer: SigV4Signer(region: options.region, service: options.service), credentialsProvider: credentials),
        ], httpClient: try options.tls.outboundHTTPClient())
    }

    /// Credentials from `AssumeRole` of `--role-arn` (default the orders role), as the IAM user
    /// given by `--access-key-id`/`--secret-access-key`, through `--sts-endpoint`; cached and
    /// refreshed ahead of expiry.
    ///
    /// - Throws: ``SampleFlagError`` when `--sts-endpoint` is not an absolute http(s) URL.
    public static func assumeRoleProvider(_ options: SampleOptions, transport: any HTTPTransport) throws -> AssumeRoleCredentialsProvider? {
        guard let sts = try options.url(options.stsEndpoint, flag: "--sts-endpoint"), let accessKeyId = options.accessKeyId, let secret = options.secretAccessKey else {
            return nil
        }
        return AssumeRoleCredentialsProvider(
            configuration: .init(
                roleArn: options.roleArn ?? defaultRoleArn,
                roleSessionName: "orders",
                stsEndpoint: sts,
                region: options.region
            ),
            sourceCredentials: StaticCredentialsProvider(accessKeyId: accessKeyId, secretAccessKey: secret),
            transport: transport
        )
    }
}

/// The body of `POST /orders`.
struct OrderRequest: Codable, Sendable {
    var item: String
    var quantity: Int
}
