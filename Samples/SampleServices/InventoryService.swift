import Foundation
import HTTPTypes
public import ServiceAuth
import ServiceAuthHTTP

/// **inventory**: the innermost service. It accepts only SigV4-signed requests whose principal
/// is allowed (by default the `orders` role), verifies the propagated user token itself when
/// one is sent, and answers.
public enum InventoryService {
    /// The role allowed by default (CONTRACT.md).
    public static let defaultAllowedPrincipal = "arn:aws:iam::123456789012:role/orders"

    /// Builds the service from its flags.
    ///
    /// - Parameters:
    ///   - options: The flags.
    ///   - issuerSessions: The local issuer's sessions, handed over in-process (the demo);
    ///     otherwise `--trust-issuer-sts KEYFILE` loads them from the issuer's key file.
    /// - Throws: A message naming the bad flag (credentials or key file unreadable, …).
    public static func make(_ options: SampleOptions, issuerSessions: IssuerSessionCredentialStore? = nil) async throws -> SampleService {
        if options.noAuth {
            // The benchmark baseline: the same routes, no verification.
            return SampleService(name: "inventory", configuration: try options.tls.serverConfiguration(host: options.host, port: options.port),
                                 security: .public, metrics: ServiceMetrics(), routes: routes)
        }
        let transport = AsyncHTTPTransport(httpClient: try options.tls.outboundHTTPClient())

        // Who may sign: long-term keys from --credentials, plus, with --trust-issuer-sts, the
        // local issuer's temporary credentials (opened locally, no call to the issuer per request).
        var stores: [any CredentialStore] = []
        if let path = options.credentials {
            stores.append(try SampleFlagError.wrap("--credentials") { try JSONFileCredentialStore(contentsOfFile: path) })
        }
        // Security decision: the issuer's sealing key comes from its owner-only key file (or
        // in-process), never over the network; a key file others can read is refused.
        if let issuerSessions {
            stores.append(issuerSessions)
        } else if let keyFile = options.trustIssuerSts {
            stores.append(try SampleFlagError.wrap("--trust-issuer-sts") { try IssuerSessionCredentialStore(keyFile: keyFile) })
        }
        // Signatures must name this service (its address or --host-name), and a signed write
        // (POST /items/{id}/reserve) is accepted once: a captured request cannot reserve twice.
        let verifier = SigV4Verifier(
            configuration: .init(
                region: options.region,
                service: options.service,
                acceptedHosts: .listening(host: options.host, additionalNames: options.hostName),
                maxSkew: .seconds(options.maxSkewSeconds),
                allowUnsignedPayload: options.allowUnsignedPayload,
                replayCache: SigV4ReplayCache()
            ),
            credentialStore: CompositeCredentialStore(stores)
        )
        // Security decision: SigV4 only. A bearer token sent here, even a valid user JWT, is
        // not a SigV4 signature and is refused. The user is verified here again (orders vouches
        // for nothing about the user), and the chain is believed only because the caller's
        // signature was verified.
        let verifiers = try SampleVerifiers(options, transport: transport)
        var authenticators: [any Authenticator] = [SigV4Authenticator(verifier: verifier)]
        if let userVerifier = verifiers?.user { authenticators.append(PropagatedUserAuthenticator(verifier: userVerifier)) }
        authenticators.append(IdentityChainAuthenticator())
        let allowed = options.allowedPrincipal.isEmpty ? [defaultAllowedPrincipal] : options.allowedPrincipal
        let security = options.security(authenticators, policy: .principals(matching: allowed))

        return SampleService(
            name: "inventory",
            configuration: try options.tls.serverConfiguration(host: options.host, port: options.port),
            security: security,
            metrics: ServiceMetrics(),
            companions: verifiers.map { [$0.refresher] } ?? [],
            prepare: { try await verifiers?.hydrate() },
            routes: routes
        )
    }

    /// The business routes.
    private static func routes(_ router: inout Router) {
        router.get("/items/{id}") { _, _, context in
            let id = context.pathParameters["id"] ?? ""
            let item: [String: JSONScalar] = ["id": .string(id), "name": .string("item \(id)"), "stock": .number(Double(id.count * 7 % 50 + 1))]
            return Responses.json(ChainResponse(service: "inventory", result: JSONObject(["item": .object(item)]),
                                                hops: [Hop(service: "inventory", auth: context.auth)]))
        }
        router.post("/items/{id}/reserve") { _, body, context in
            let request = try? JSONDecoder().decode([String: Int].self, from: Data(try await body.collect(upTo: 64 * 1024)))
            let quantity = request?["quantity"] ?? 1
            let reservation: [String: JSONScalar] = [
                "item": .string(context.pathParameters["id"] ?? ""), "quantity": .number(Double(quantity)),
                "reservationId": .string(UUID().uuidString.lowercased()),
            ]
            return Responses.json(ChainResponse(service: "inventory", result: JSONObject(["reservation": .object(reservation)]),
                                                hops: [Hop(service: "inventory", auth: context.auth)]))
        }
    }
}
