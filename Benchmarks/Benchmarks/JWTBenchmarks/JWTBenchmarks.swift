import Benchmark
import BenchmarkSupport
import Crypto
import Foundation
import JWTKit
import ServiceAuth
import _CryptoExtras

// Each JWT benchmark verifies the same Cognito-shaped access token 1,000 times per iteration
// (scalingFactor .kilo), so `throughput` reads as verifications per second and `wallClock`
// as the time of one verification. The baselines sit in this suite so results read as ratios:
//   raw RS256/ES256 signature check  ≤  our JWTVerifier  vs  jwt-kit 5.8 JWTKeyCollection.verify
// and the verified-token cache hit against the full verification.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    for algorithm in ["RS256", "ES256"] {
        Benchmark("JWT \(algorithm) raw signature check (swift-crypto baseline)") { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(fixture.rawCheck(algorithm))
            }
        } setup: {
            try await JWTFixture.shared()
        }

        Benchmark("JWT \(algorithm) JWTVerifier.verify (full, warm keys)") { benchmark, fixture in
            let token = fixture.token(algorithm)
            for _ in benchmark.scaledIterations {
                do {
                    blackHole(try await fixture.verifier.verify(token))
                } catch {
                    benchmark.error("verification failed: \(error)")
                    return
                }
            }
        } setup: {
            try await JWTFixture.shared()
        }

        Benchmark("JWT \(algorithm) jwt-kit 5.8 JWTKeyCollection.verify") { benchmark, fixture in
            let token = fixture.token(algorithm)
            for _ in benchmark.scaledIterations {
                do {
                    blackHole(try await fixture.jwtKit.verify(token, as: JWTKitCognitoPayload.self))
                } catch {
                    benchmark.error("jwt-kit verification failed: \(error)")
                    return
                }
            }
        } setup: {
            try await JWTFixture.shared()
        }

        Benchmark("JWT \(algorithm) JWTVerifier.verify (verified-token cache hit)") { benchmark, fixture in
            let token = fixture.token(algorithm)
            for _ in benchmark.scaledIterations {
                do {
                    blackHole(try await fixture.cachedVerifier.verify(token))
                } catch {
                    benchmark.error("cached verification failed: \(error)")
                    return
                }
            }
        } setup: {
            try await JWTFixture.shared()
        }
    }
}

/// Keys, tokens and verifiers shared by every JWT benchmark (created once per process).
final class JWTFixture: Sendable {
    let rsaToken: String
    let ecToken: String
    let verifier: JWTVerifier
    let cachedVerifier: JWTVerifier
    let jwtKit: JWTKeyCollection
    private let rsaPublic: _RSA.Signing.PublicKey
    private let ecPublic: P256.Signing.PublicKey
    private let rsaSignature: _RSA.Signing.RSASignature
    private let ecSignature: P256.Signing.ECDSASignature
    private let rsaSigningInput: [UInt8]
    private let ecSigningInput: [UInt8]

    private static let instance = FixtureBox<JWTFixture>()

    static func shared() async throws -> JWTFixture {
        if let existing = instance.value { return existing }
        let fixture = try await JWTFixture()
        instance.value = fixture
        return fixture
    }

    private init() async throws {
        let keys = try BenchKeys()
        let claims = BenchFixtures.accessClaims()
        rsaToken = try keys.rsa.sign(claims)
        ecToken = try keys.ec.sign(claims)

        let configuration = JWTVerifier.Configuration(
            issuers: [BenchFixtures.issuer],
            audience: .clientIds([BenchFixtures.clientId]),
            tokenUse: .access
        )
        let jwks = JWKSCache(jwksURI: URL(string: BenchFixtures.jwksURI)!, transport: StaticJSONTransport(json: keys.jwksJSON))
        verifier = JWTVerifier(configuration: configuration, jwks: jwks)
        cachedVerifier = verifier.withTokenCache(VerifiedTokenCache())
        try await verifier.hydrate()
        _ = try await verifier.verify(rsaToken)
        _ = try await verifier.verify(ecToken)

        jwtKit = JWTKeyCollection()
        try await jwtKit.add(jwksJSON: keys.jwksJSON)
        _ = try await jwtKit.verify(rsaToken, as: JWTKitCognitoPayload.self)
        _ = try await jwtKit.verify(ecToken, as: JWTKitCognitoPayload.self)

        guard case .rs256(let rsaPrivate) = keys.rsa.key, case .es256(let ecPrivate) = keys.ec.key else {
            fatalError("unexpected key types")
        }
        rsaPublic = rsaPrivate.publicKey
        ecPublic = ecPrivate.publicKey
        func split(_ token: String) -> ([UInt8], [UInt8]) {
            let lastDot = token.lastIndex(of: ".")!
            return (Array(token[..<lastDot].utf8), Base64URL.decode(String(token[token.index(after: lastDot)...]))!)
        }
        let (rsaInput, rsaSig) = split(rsaToken)
        let (ecInput, ecSig) = split(ecToken)
        rsaSigningInput = rsaInput
        ecSigningInput = ecInput
        rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: rsaSig)
        ecSignature = try P256.Signing.ECDSASignature(rawRepresentation: ecSig)
        precondition(rawCheck("RS256") && rawCheck("ES256"), "baseline signature check failed")
        FileHandle.standardError.write(Data("token sizes: RS256 \(rsaToken.utf8.count) bytes, ES256 \(ecToken.utf8.count) bytes\n".utf8))
    }

    func token(_ algorithm: String) -> String { algorithm == "RS256" ? rsaToken : ecToken }

    /// The bare signature check on the token's signing input: SHA-256 plus the public-key
    /// operation, with the signature already decoded and the key already built.
    func rawCheck(_ algorithm: String) -> Bool {
        if algorithm == "RS256" {
            return rsaPublic.isValidSignature(rsaSignature, for: SHA256.hash(data: rsaSigningInput), padding: .insecurePKCS1v1_5)
        }
        return ecPublic.isValidSignature(ecSignature, for: ecSigningInput)
    }
}

/// jwt-kit's view of the same token, with the same checks our verifier makes
/// (exp, iss, client_id, token_use), so both do comparable work.
struct JWTKitCognitoPayload: JWTPayload {
    var sub: SubjectClaim
    var iss: IssuerClaim
    var client_id: String
    var origin_jti: String
    var event_id: String
    var token_use: String
    var scope: String
    var auth_time: Int
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    var username: String

    func verify(using algorithm: some JWTKit.JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == BenchFixtures.issuer, client_id == BenchFixtures.clientId, token_use == "access" else {
            throw JWTKit.JWTError.claimVerificationFailure(failedClaim: iss, reason: "wrong issuer, client or token_use")
        }
    }
}
