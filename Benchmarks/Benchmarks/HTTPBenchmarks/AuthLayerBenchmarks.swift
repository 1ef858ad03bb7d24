import Benchmark
import BenchmarkSupport
import Foundation
import HTTPTypes
import ServiceAuth

// The auth layer alone, in process and without HTTP: `RouteSecurity.run` for one request
// whose handler answers at once. `.public` is what a route without auth pays (the task-local
// push of an empty AuthContext); the others add what authenticating and authorising cost, so
// their mallocs per request minus the public route's are the auth layer's allocations.

/// One `RouteSecurity` per mode and the request it accepts.
struct AuthLayerFixture: Sendable {
    enum Mode: String, CaseIterable, Sendable {
        case publicRoute = "public route (no auth)"
        case jwtCached = "bearer JWT (cache on)"
        case jwtExecuteAPI = "bearer JWT (cache on) + executeAPI policy"
        case sigV4 = "SigV4"
    }

    private static let instance = FixtureBox<AuthLayerFixture>()
    let cases: [Mode: (security: RouteSecurity, request: HTTPRequest)]

    static func shared() async throws -> AuthLayerFixture {
        if let existing = instance.value { return existing }
        let fixture = try await AuthLayerFixture()
        instance.value = fixture
        return fixture
    }

    private init() async throws {
        let keys = try BenchKeys()
        let token = try keys.rsa.sign(BenchFixtures.accessClaims())
        let jwks = JWKSCache(jwksURI: URL(string: BenchFixtures.jwksURI)!, transport: StaticJSONTransport(json: keys.jwksJSON))
        let verifier = JWTVerifier(
            configuration: .init(issuers: [BenchFixtures.issuer], audience: .clientIds([BenchFixtures.clientId]), tokenUse: .access), jwks: jwks)
        try await verifier.hydrate()
        let bearer = BearerTokenAuthenticator(verifier: verifier, cachesVerifiedTokens: true)
        let bearerRequest = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/whoami",
                                        headerFields: [.authorization: "Bearer \(token)"])
        // The gateway sample's authorizer rules.
        let api = ExecuteAPIResource(region: BenchFixtures.region, accountId: "123456789012", apiId: "local", stage: "prod")
        let rules: [ExecuteAPIRule] = [
            .allow(scope: "orders/read", method: "GET", path: "orders/*"), .allow(scope: "orders/write", method: "POST", path: "orders"),
            .allow(method: "*", path: "whoami"), .allow(method: "*", path: "whoami/*"),
        ]

        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let store = JSONFileCredentialStore(entries: [
            .init(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, principal: "arn:aws:iam::123456789012:role/orders")
        ])
        let sigV4 = SigV4Verifier(configuration: .init(region: BenchFixtures.region, service: "execute-api", acceptedHosts: .anyHost), credentialStore: store)
        // Signed once: a signature stays valid for the 15-minute skew window, and this
        // verifier keeps no replay cache.
        let signed = SigV4Signer(region: BenchFixtures.region, service: "execute-api")
            .sign(HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/whoami"), credentials: credentials).request

        cases = [
            .publicRoute: (.public, bearerRequest),
            .jwtCached: (RouteSecurity([bearer]), bearerRequest),
            .jwtExecuteAPI: (RouteSecurity([bearer], policy: .executeAPI(api, rules: rules)), bearerRequest),
            .sigV4: (RouteSecurity([SigV4Authenticator(verifier: sigV4)]), signed),
        ]
        for (security, request) in cases.values { _ = try await Self.run(security, request) }
    }

    static func run(_ security: RouteSecurity, _ request: HTTPRequest) async throws -> HTTPResponse {
        try await security.run(request, body: MessageBody([]), context: RequestContext()) { _, _, _ in
            (HTTPResponse(status: .ok), MessageBody([]))
        }.0
    }
}

func authLayerBenchmarks() {
    for mode in AuthLayerFixture.Mode.allCases {
        Benchmark(
            "RouteSecurity.run in process, \(mode.rawValue)",
            configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .kilo)
        ) { benchmark, fixture in
            let (security, request) = fixture.cases[mode]!
            for _ in benchmark.scaledIterations {
                do {
                    blackHole(try await AuthLayerFixture.run(security, request))
                } catch {
                    benchmark.error("request refused: \(error)")
                    return
                }
            }
        } setup: {
            try await AuthLayerFixture.shared()
        }
    }
}
