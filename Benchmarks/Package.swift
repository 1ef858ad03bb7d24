// swift-tools-version:6.1
import PackageDescription

// A separate package so the root package's build and CI do not pay for package-benchmark,
// jwt-kit and their dependencies. Run from the repository root:
//   swift package --package-path Benchmarks benchmark
//
// The root package is a path dependency. SwiftPM names a path dependency's package after its
// folder (`main`, `ci-check`, `swift-service-auth`, ... depending on the clone), so
// `.package(name:path:)` pins the name used by `.product(name:package:)` below.
let benchmarkPlugin: [Target.PluginUsage] = [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
let serviceAuth = "swift-service-auth"

let package = Package(
    name: "swift-service-auth-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: serviceAuth, path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        // Fixtures shared by the suites: Cognito-shaped tokens, keys, an in-memory JWKS
        // transport and a lean keep-alive HTTP load client.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "ServiceAuth", package: serviceAuth),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Not a benchmark: loops one JWT or SigV4 verification path for profilers (perf).
        .executableTarget(
            name: "ProfileHarness",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ServiceAuth", package: serviceAuth),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Not a benchmark: the peer a Swift user would pick instead (Hummingbird 2, and
        // hummingbird-auth + jwt-kit verifying RS256 per request), loaded side by side with
        // the samples by Scripts/bench-http.sh.
        .executableTarget(
            name: "HummingbirdPeer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Not a benchmark: a fixed-rate (open-loop) load generator reporting latency from each
        // request's due time, for the chain's p99 with and without auth (Scripts/bench-http.sh).
        .executableTarget(
            name: "OpenLoopLoad",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "JWTBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ServiceAuth", package: serviceAuth),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Benchmarks/JWTBenchmarks",
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "SigV4Benchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ServiceAuth", package: serviceAuth),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/SigV4Benchmarks",
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "TokenBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ServiceAuth", package: serviceAuth),
                .product(name: "ServiceAuthHTTP", package: serviceAuth),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/TokenBenchmarks",
            plugins: benchmarkPlugin
        ),
        .executableTarget(
            name: "HTTPBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ServiceAuth", package: serviceAuth),
                .product(name: "ServiceAuthHTTP", package: serviceAuth),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/HTTPBenchmarks",
            plugins: benchmarkPlugin
        ),
    ],
    swiftLanguageModes: [.v6]
)
