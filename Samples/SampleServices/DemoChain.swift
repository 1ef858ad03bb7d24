import Foundation
import Logging
public import ServiceAuth
public import ServiceAuthHTTP
public import ServiceAuthIdP

/// The local issuer and the three sample services, running in this process on free loopback
/// ports: what `serviceauth demo` and the chain tests drive.
public struct DemoChain: Sendable {
    /// The issuer's base URL (`http://127.0.0.1:PORT`).
    public let issuerURL: String
    /// The tokens' `iss` (`{issuerURL}/us-east-1_LOCAL`).
    public let issuer: String
    /// The gateway's base URL.
    public let gatewayURL: String
    /// The orders service's base URL.
    public let ordersURL: String
    /// The inventory service's base URL.
    public let inventoryURL: String
    /// The credentials orders signs its calls to inventory with (assumed `orders` role).
    public let ordersCredentials: AssumeRoleCredentialsProvider
    /// The demo configuration the issuer runs (users, clients, IAM users).
    public let configuration: IdPConfiguration
    /// The demo PKI when the chain runs over mutual TLS + HTTP/2 (`serviceauth demo --tls`).
    public let tls: DemoTLS?

    /// The IAM user allowed to assume the `orders` role in the demo configuration.
    static let ordersIAMUser = (accessKeyId: "AKIAORDERSSERVICE001", secret: "orders-service-secret-access-key")
    /// The IAM user allowed to assume the `reports` role.
    static let reportsIAMUser = (accessKeyId: "AKIAREPORTSSERVICE01", secret: "reports-service-secret-access-key")

    /// Starts the issuer and the services, runs `body`, then stops everything.
    ///
    /// - Parameter body: What to do with the running chain.
    /// - Returns: What `body` returns.
    /// - Throws: Start-up failures, or what `body` throws.
    public static func withRunningChain<T: Sendable>(
        tls: DemoTLS? = nil, _ body: @Sendable (DemoChain) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "serviceauth.demo")
        let transport = AsyncHTTPTransport(httpClient: try tls?.client(as: "orders") ?? .serviceAuthShared)
        let scheme = tls == nil ? "http" : "https"
        return try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }

            // 1. The issuer, on a free port; `iss` follows the port it got.
            let localIssuer = try LocalIssuer(configuration: .demo, options: LocalIssuer.Options(logger: logger))
            let (urls, urlContinuation) = AsyncStream<String>.makeStream()
            group.addTask {
                try await LocalIssuerService(issuer: localIssuer, tls: try tls?.options(for: "issuer").serverTLS(), logger: logger) { url in
                    urlContinuation.yield(url)
                    urlContinuation.finish()
                }.run()
            }
            var iterator = urls.makeAsyncIterator()
            guard let issuerURL = await iterator.next(), let issuer = localIssuer.issuer else {
                throw SampleFlagError(flag: "demo", reason: "the local issuer did not start")
            }

            // 2. inventory: SigV4 from the orders role only, user token verified again.
            var inventoryOptions = try SampleOptions.parse([])
            if let tls {
                inventoryOptions.tls = try tls.options(for: "inventory")
                inventoryOptions.allowedWorkload = [tls.spiffeID("orders")]
            }
            inventoryOptions.issuer = issuer
            inventoryOptions.clientId = ["web"]
            // The issuer's sealing key is handed over in-process: it never travels over HTTP.
            let inventory = try await InventoryService.make(
                inventoryOptions, issuerSessions: IssuerSessionCredentialStore(sealer: localIssuer.sessionTokenSealer))
            let inventoryURL = try await start(inventory, scheme: scheme, in: &group)

            // 3. orders: gateway's service token with orders/invoke, user token verified again,
            //    SigV4 to inventory with credentials from AssumeRole.
            var ordersOptions = try SampleOptions.parse([])
            if let tls {
                ordersOptions.tls = try tls.options(for: "orders")
                ordersOptions.allowedWorkload = [tls.spiffeID("gateway")]
            }
            ordersOptions.issuer = issuer
            ordersOptions.clientId = ["gateway"]
            ordersOptions.userClientId = ["web"]
            ordersOptions.inventoryUrl = inventoryURL
            ordersOptions.stsEndpoint = issuerURL
            ordersOptions.accessKeyId = ordersIAMUser.accessKeyId
            ordersOptions.secretAccessKey = ordersIAMUser.secret
            guard let ordersCredentials = try OrdersService.assumeRoleProvider(ordersOptions, transport: transport) else {
                throw SampleFlagError(flag: "demo", reason: "orders credentials")
            }
            let orders = try await OrdersService.make(ordersOptions, credentials: ordersCredentials)
            let ordersURL = try await start(orders, scheme: scheme, in: &group)

            // 4. gateway: user tokens from the `web` client, its own client-credentials token.
            var gatewayOptions = try SampleOptions.parse([])
            // The front door requires a certificate at the handshake; any the CA signed will do.
            if let tls { gatewayOptions.tls = try tls.options(for: "gateway") }
            gatewayOptions.issuer = issuer
            gatewayOptions.clientId = ["web"]
            gatewayOptions.ordersUrl = ordersURL
            gatewayOptions.tokenEndpoint = issuerURL + "/oauth2/token"
            gatewayOptions.outboundClientId = "gateway"
            gatewayOptions.clientSecret = "gateway-secret"
            let gateway = try await GatewayService.make(gatewayOptions)
            let gatewayURL = try await start(gateway, scheme: scheme, in: &group)

            return try await body(DemoChain(
                issuerURL: issuerURL, issuer: issuer, gatewayURL: gatewayURL, ordersURL: ordersURL,
                inventoryURL: inventoryURL, ordersCredentials: ordersCredentials, configuration: localIssuer.configuration,
                tls: tls))
        }
    }

    /// Runs a service in `group`, waits until it listens and is ready, returns its base URL.
    private static func start(
        _ service: SampleService, scheme: String, in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> String {
        group.addTask { try await service.run() }
        let port = try await service.port()
        try await service.becomeReady(retryDelay: .milliseconds(100))
        return "\(scheme)://127.0.0.1:\(port)"
    }
}

extension DemoChain {
    /// A client of the chain: over TLS it trusts the demo CA and presents `workload`'s
    /// certificate (none for `nil`); in cleartext it is the plain shared client.
    public func client(
        as workload: String? = "web", timeout: Duration = .seconds(10), middleware: [any ClientMiddleware] = []
    ) throws -> ServiceHTTPClient {
        let configuration = ServiceHTTPClient.Configuration(timeout: timeout)
        guard let tls else { return ServiceHTTPClient(configuration: configuration, middleware: middleware) }
        return ServiceHTTPClient(configuration: configuration, middleware: middleware, httpClient: try tls.client(as: workload))
    }
}
