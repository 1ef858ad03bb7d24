import Benchmark
import BenchmarkSupport
import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP

// ClientCredentialsTokenProvider against an in-process loopback token endpoint (the project's
// HTTPServer with one route answering like Cognito's /oauth2/token):
// - a cache hit (1,000 calls per iteration, scalingFactor .kilo: `throughput` = calls/s);
// - a cold start: a new provider asked by 1 caller, and by 1,000 concurrent callers, per
//   iteration; the custom metric "token endpoint calls" counts the fetches each cold start
//   caused (single flight: it must be 1).

let endpointCalls = BenchmarkMetric.custom("token endpoint calls", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    Benchmark(
        "Tokens ClientCredentialsTokenProvider.accessToken (cache hit)",
        configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .kilo)
    ) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try await fixture.warmProvider.accessToken())
            } catch {
                benchmark.error("accessToken failed: \(error)")
                return
            }
        }
    } setup: {
        try await TokenFixture.shared()
    }

    for callers in [1, 1_000] {
        Benchmark(
            "Tokens cold start, \(callers) concurrent caller\(callers == 1 ? "" : "s")",
            configuration: .init(metrics: [.throughput, .wallClock, endpointCalls], maxIterations: 2_000)
        ) { benchmark, fixture in
            let provider = fixture.coldProvider()
            let before = fixture.calls.value
            benchmark.startMeasurement()
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    for _ in 0..<callers {
                        group.addTask { blackHole(try await provider.accessToken()) }
                    }
                }
            } catch {
                benchmark.error("accessToken failed: \(error)")
                return
            }
            benchmark.stopMeasurement()
            benchmark.measurement(endpointCalls, fixture.calls.value - before)
        } setup: {
            try await TokenFixture.shared()
        }
    }
}

/// A loopback token endpoint and a provider already holding a token.
final class TokenFixture: Sendable {
    let calls = Counter()
    let endpoint: String
    let warmProvider: ClientCredentialsTokenProvider
    private let transport: AsyncHTTPTransport
    private let serverTask: Task<Void, any Error>

    private static let instance = FixtureBox<TokenFixture>()

    static func shared() async throws -> TokenFixture {
        if let existing = instance.value { return existing }
        let fixture = try await TokenFixture()
        instance.value = fixture
        return fixture
    }

    private init() async throws {
        let keys = try BenchKeys()
        let token = try keys.rsa.sign(BenchFixtures.accessClaims())
        let calls = self.calls
        var router = Router()
        router.post("/oauth2/token") { _, _, _ in
            calls.increment()
            return Responses.json(TokenResponse(access_token: token, expires_in: 3600, token_type: "Bearer"))
        }
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = HTTPServer(configuration: configuration, router: router)
        serverTask = Task { try await server.run() }
        endpoint = "http://127.0.0.1:\(try await server.listeningPort())/oauth2/token"
        transport = AsyncHTTPTransport()
        warmProvider = ClientCredentialsTokenProvider(configuration: Self.configuration(endpoint), transport: transport)
        _ = try await warmProvider.accessToken()
    }

    func coldProvider() -> ClientCredentialsTokenProvider {
        ClientCredentialsTokenProvider(configuration: Self.configuration(endpoint), transport: transport)
    }

    private static func configuration(_ endpoint: String) -> ClientCredentialsTokenProvider.Configuration {
        .init(tokenEndpoint: URL(string: endpoint)!, clientId: "orders-service", clientSecret: "bench-secret", scopes: ["orders/invoke"])
    }
}

struct TokenResponse: Encodable {
    var access_token: String
    var expires_in: Int
    var token_type: String
}
