// swift-tools-version:6.1
import PackageDescription

/// Swift 6 language mode everywhere; these settings keep the code free of
/// upcoming-feature surprises and make concurrency diagnostics errors.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-service-auth",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ServiceAuth", targets: ["ServiceAuth"]),
        .library(name: "ServiceAuthCore", targets: ["ServiceAuthCore"]),
        .library(name: "ServiceAuthJWT", targets: ["ServiceAuthJWT"]),
        .library(name: "ServiceAuthAWS", targets: ["ServiceAuthAWS"]),
        .library(name: "ServiceAuthHTTP", targets: ["ServiceAuthHTTP"]),
        .library(name: "ServiceAuthIdP", targets: ["ServiceAuthIdP"]),
        .library(name: "ServiceAuthTesting", targets: ["ServiceAuthTesting"]),
        .library(name: "ServiceAuthOpenAPI", targets: ["ServiceAuthOpenAPI"]),
        .library(name: "ServiceAuthHummingbird", targets: ["ServiceAuthHummingbird"]),
        .library(name: "ServiceAuthVapor", targets: ["ServiceAuthVapor"]),
        .executable(name: "serviceauth", targets: ["serviceauth"]),
        .executable(name: "gateway", targets: ["gateway"]),
        .executable(name: "orders", targets: ["orders"]),
        .executable(name: "inventory", targets: ["inventory"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-service-context", from: "1.5.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
    ],
    targets: [
        // The framework-agnostic core: identities, authenticators, policy, middleware protocols,
        // message bodies, failures. No JWT parser, no SigV4, no HTTP server or client.
        .target(
            name: "ServiceAuthCore",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HTTPTypesFoundation", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ],
            swiftSettings: strictSettings
        ),
        // Bearer JWTs (verifier, JWKS cache) and OAuth 2.0 client credentials.
        .target(
            name: "ServiceAuthJWT",
            dependencies: [
                "ServiceAuthCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // AWS: SigV4 signing and verification, credentials and STS, IAM-style policy documents.
        .target(
            name: "ServiceAuthAWS",
            dependencies: [
                "ServiceAuthCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ],
            swiftSettings: strictSettings
        ),
        // The umbrella: all three under `import ServiceAuth`.
        .target(
            name: "ServiceAuth",
            dependencies: ["ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS"],
            swiftSettings: strictSettings
        ),
        // A minimal HTTP/1.1 and HTTP/2 server (SwiftNIO + HTTP types codecs, TLS through
        // swift-nio-ssl) and client (AsyncHTTPClient) that run the core's middleware.
        .target(
            name: "ServiceAuthHTTP",
            dependencies: [
                "ServiceAuthCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP2", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The local Cognito- and STS-compatible issuer, run as `serviceauth idp` or in-process.
        .target(
            name: "ServiceAuthIdP",
            dependencies: [
                "ServiceAuth",
                "ServiceAuthHTTP",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The in-process certificate authority (LocalCertificateAuthority).
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Adapters: the same middleware in any swift-openapi-runtime server or client transport
        // (Vapor, Hummingbird, Lambda, URLSession, AsyncHTTPClient).
        .target(
            name: "ServiceAuthOpenAPI",
            dependencies: [
                "ServiceAuthCore",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceAuthOpenAPITests",
            dependencies: ["ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS", "ServiceAuthOpenAPI", "ServiceAuth", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: strictSettings
        ),
        // Framework adapters: the core's Authenticators and AuthorizationPolicy as Hummingbird
        // (hummingbird-auth) and Vapor middleware.
        .target(
            name: "ServiceAuthHummingbird",
            dependencies: [
                "ServiceAuthCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Fixtures shared by the adapter tests: test JWTs and SigV4 callers, no network.
        .target(
            name: "AdapterTestSupport",
            dependencies: ["ServiceAuth", .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Tests/AdapterTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceAuthHummingbirdTests",
            dependencies: ["AdapterTestSupport", "ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS", 
                "ServiceAuthHummingbird",
                "ServiceAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ServiceAuthVapor",
            dependencies: [
                "ServiceAuthCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceAuthVaporTests",
            dependencies: ["AdapterTestSupport", "ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS", 
                "ServiceAuthVapor",
                "ServiceAuth",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        // Helpers for users' tests: a live loopback server for a router and middleware.
        .target(
            name: "ServiceAuthTesting",
            dependencies: ["ServiceAuthCore", "ServiceAuthHTTP"],
            swiftSettings: strictSettings
        ),
        // The three sample services (gateway → orders → inventory) and the demo that runs them.
        .target(
            name: "SampleServices",
            dependencies: [
                "ServiceAuth",
                "ServiceAuthHTTP",
                "ServiceAuthIdP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Samples/SampleServices",
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "gateway", dependencies: ["SampleServices", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Samples/Gateway", swiftSettings: strictSettings),
        .executableTarget(name: "orders", dependencies: ["SampleServices", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Samples/Orders", swiftSettings: strictSettings),
        .executableTarget(name: "inventory", dependencies: ["SampleServices", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Samples/Inventory", swiftSettings: strictSettings),
        .executableTarget(
            name: "serviceauth",
            dependencies: [
                "ServiceAuth",
                "ServiceAuthHTTP",
                "ServiceAuthIdP",
                "SampleServices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceAuthTests",
            dependencies: ["ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS", "ServiceAuth", "ServiceAuthHTTP", "ServiceAuthTesting",
                           "ServiceAuthIdP"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceAuthIdPTests",
            dependencies: ["ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS", "ServiceAuth", "ServiceAuthHTTP", "ServiceAuthIdP", "ServiceAuthTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SampleServicesTests",
            dependencies: ["ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS", "SampleServices", "ServiceAuth", "ServiceAuthHTTP", "ServiceAuthTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceAuthHTTPTests",
            dependencies: ["ServiceAuthCore", "ServiceAuthJWT", "ServiceAuthAWS",
                "ServiceAuth",
                "ServiceAuthHTTP",
                "ServiceAuthTesting",
                "ServiceAuthIdP",
                "AdapterTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
