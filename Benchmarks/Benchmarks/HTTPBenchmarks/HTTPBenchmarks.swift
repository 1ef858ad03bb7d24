import Benchmark
import BenchmarkSupport
import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP

// The project's HTTPServer answering a small GET /whoami over loopback keep-alive
// connections, (a) without auth, (b) with bearer-JWT auth (BearerTokenAuthenticator, verified-token
// cache on; also shown with the cache off), (c) with SigV4 auth; plus (a') without auth but
// with the bearer header sent, to tell the token's transport cost from its verification.
// Client and server share this process and the machine's cores, so the ratios matter more
// than the absolute numbers.
//
// "1 connection": one request per iteration; wallClock percentiles are request latencies.
// Its mallocs per request count client and server together (one process); the client's share
// is the same in every mode that sends the same bytes, so "bearer JWT (cache on)" minus "no
// auth, bearer header sent" is what the auth layer allocates per request.
// "8 connections": 1,000 requests per iteration spread over 8 keep-alive connections
// (scalingFactor .kilo, so `throughput` is requests per second); the custom metric
// "request latency (µs)" holds every request's latency.

let requestLatency = BenchmarkMetric.custom("request latency (us)", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 5,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )
    authLayerBenchmarks()

    for mode in ServerMode.allCases {
        Benchmark("HTTP GET /whoami, \(mode.rawValue), 1 connection") { benchmark, fixture in
            let request = fixture.request(for: mode)
            for _ in benchmark.scaledIterations {
                do {
                    try await fixture.client(for: mode).send(request, on: 0)
                } catch {
                    benchmark.error("request failed: \(error)")
                    return
                }
            }
        } setup: {
            try await HTTPFixture.shared()
        }

        Benchmark(
            "HTTP GET /whoami, \(mode.rawValue), 8 connections",
            configuration: .init(
                metrics: [.throughput, .wallClock, requestLatency],
                warmupIterations: 2,
                scalingFactor: .kilo,
                maxDuration: .seconds(4),
                maxIterations: 1_000
            )
        ) { benchmark, fixture in
            let request = fixture.request(for: mode)
            let client = fixture.client(for: mode)
            let perConnection = benchmark.scaledIterations.count / client.connectionCount
            benchmark.startMeasurement()
            let latencies: [[Int]]
            do {
                latencies = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for connection in 0..<client.connectionCount {
                        group.addTask {
                            var samples: [Int] = []
                            samples.reserveCapacity(perConnection)
                            let clock = ContinuousClock()
                            for _ in 0..<perConnection {
                                let start = clock.now
                                try await client.send(request, on: connection)
                                let elapsed = clock.now - start
                                samples.append(Int(elapsed.components.attoseconds / 1_000_000_000_000) + Int(elapsed.components.seconds) * 1_000_000)
                            }
                            return samples
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            } catch {
                benchmark.error("request failed: \(error)")
                return
            }
            benchmark.stopMeasurement()
            for samples in latencies {
                for sample in samples { benchmark.measurement(requestLatency, sample) }
            }
        } setup: {
            try await HTTPFixture.shared()
        }
    }
}

enum ServerMode: String, CaseIterable, Sendable {
    case noAuth = "no auth"
    /// No middleware, but the client sends the same ~1 KB `Authorization: Bearer` header:
    /// separates the cost of carrying and parsing the token from the cost of verifying it.
    case noAuthWithHeader = "no auth, bearer header sent"
    case jwtCached = "bearer JWT (cache on)"
    case jwtUncached = "bearer JWT (cache off)"
    case sigV4 = "SigV4"
}

/// One running server per mode, each with its own keep-alive clients.
final class HTTPFixture: Sendable {
    private struct Running: Sendable {
        var port: Int
        var request: KeepAliveLoadClient.Request
        var client: KeepAliveLoadClient
    }

    private static let instance = FixtureBox<HTTPFixture>()
    private let servers: [ServerMode: Running]
    private let tasks: [Task<Void, any Error>]

    static func shared() async throws -> HTTPFixture {
        if let existing = instance.value { return existing }
        let fixture = try await HTTPFixture()
        instance.value = fixture
        return fixture
    }

    func client(for mode: ServerMode) -> KeepAliveLoadClient { servers[mode]!.client }
    func request(for mode: ServerMode) -> KeepAliveLoadClient.Request { servers[mode]!.request }

    private init() async throws {
        var router = Router()
        router.get("/whoami") { _, _, context in
            Responses.json(WhoAmI(service: "bench", caller: context.auth.caller?.subject))
        }

        let keys = try BenchKeys()
        let token = try keys.rsa.sign(BenchFixtures.accessClaims())
        let jwtConfiguration = JWTVerifier.Configuration(issuers: [BenchFixtures.issuer], audience: .clientIds([BenchFixtures.clientId]), tokenUse: .access)
        let jwks = JWKSCache(jwksURI: URL(string: BenchFixtures.jwksURI)!, transport: StaticJSONTransport(json: keys.jwksJSON))
        let verifier = JWTVerifier(configuration: jwtConfiguration, jwks: jwks)
        try await verifier.hydrate()

        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let store = JSONFileCredentialStore(entries: [
            .init(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                  principal: "arn:aws:iam::123456789012:role/orders")
        ])
        let sigV4 = SigV4Verifier(configuration: .init(region: BenchFixtures.region, service: "execute-api", acceptedHosts: .anyHost), credentialStore: store)

        var servers: [ServerMode: Running] = [:]
        var tasks: [Task<Void, any Error>] = []
        for mode in ServerMode.allCases {
            let middleware: [any ServerMiddleware] =
                switch mode {
                case .noAuth, .noAuthWithHeader: []
                case .jwtCached: [AuthenticationMiddleware(RouteSecurity([BearerTokenAuthenticator(verifier: verifier, cachesVerifiedTokens: true)]))]
                case .jwtUncached: [AuthenticationMiddleware(RouteSecurity([BearerTokenAuthenticator(verifier: verifier, cachesVerifiedTokens: false)]))]
                case .sigV4: [AuthenticationMiddleware(RouteSecurity([SigV4Authenticator(verifier: sigV4)]))]
                }
            var configuration = HTTPServerConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = 0
            let server = HTTPServer(configuration: configuration, router: router, middleware: middleware)
            tasks.append(Task { try await server.run() })
            let port = try await server.listeningPort()

            var request = KeepAliveLoadClient.Request(path: "/whoami")
            switch mode {
            case .noAuth:
                break
            case .jwtCached, .jwtUncached, .noAuthWithHeader:
                request.headers = [("Authorization", "Bearer \(token)")]
            case .sigV4:
                // Signed once: the server's cost is the same whether the client re-signs or
                // not, and a signature stays valid for the 15-minute skew window.
                let unsigned = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(port)", path: "/whoami")
                let signed = SigV4Signer(region: BenchFixtures.region, service: "execute-api")
                    .sign(unsigned, credentials: credentials).request
                request.headers = signed.headerFields.map { ($0.name.rawName, $0.value) }
                request.headers.append(("Host", "127.0.0.1:\(port)"))
            }
            let client = try await KeepAliveLoadClient.connect(port: port, connections: 8)
            // Fail early (and warm the caches) if the server does not answer 200.
            for connection in 0..<client.connectionCount { try await client.send(request, on: connection) }
            servers[mode] = Running(port: port, request: request, client: client)
        }
        self.servers = servers
        self.tasks = tasks
    }
}

struct WhoAmI: Encodable {
    var service: String
    var caller: String?
}
