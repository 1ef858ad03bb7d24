// Runs one JWT verification path in a loop, for profilers (valgrind --tool=callgrind, perf):
//   swift build --package-path Benchmarks -c release --product JWTProfile
//   valgrind --tool=callgrind Benchmarks/.build/release/JWTProfile verify-rs256 2000
// Modes: verify-rs256, verify-es256, cached-rs256, raw-rs256.
import BenchmarkSupport
import Crypto
import Foundation
import ServiceAuth
import _CryptoExtras

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "verify-rs256"
let count = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000

let keys = try BenchKeys()
let claims = BenchFixtures.accessClaims()
let token = mode.hasSuffix("es256") ? try keys.ec.sign(claims) : try keys.rsa.sign(claims)
let configuration = JWTVerifier.Configuration(issuers: [BenchFixtures.issuer], clientIds: [BenchFixtures.clientId], tokenUse: .access)
let jwks = JWKSCache(jwksURI: BenchFixtures.jwksURI, transport: StaticJSONTransport(json: keys.jwksJSON))
let verifier = mode.hasPrefix("cached")
    ? JWTVerifier(configuration: configuration, jwks: jwks, tokenCache: VerifiedTokenCache())
    : JWTVerifier(configuration: configuration, jwks: jwks)
try await verifier.hydrate()
_ = try await verifier.verify(token)

guard case .rs256(let rsaPrivate) = keys.rsa.key else { fatalError("unexpected key") }
let publicKey = rsaPrivate.publicKey
let lastDot = token.lastIndex(of: ".")!
let signingInput = Array(token[..<lastDot].utf8)
let signature = _RSA.Signing.RSASignature(rawRepresentation: Base64URL.decode(String(token[token.index(after: lastDot)...]))!)

/// The loop runs off the main actor (top-level code is main-actor isolated): calling the
/// verifier from there would add two executor hops per call that a server never pays.
@concurrent
func run() async throws -> (Duration, Int) {
    let start = ContinuousClock.now
    var valid = 0
    for _ in 0..<count {
        if mode.hasPrefix("raw") {
            if publicKey.isValidSignature(signature, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5) { valid += 1 }
        } else {
            _ = try await verifier.verify(token)
            valid += 1
        }
    }
    return (ContinuousClock.now - start, valid)
}
let (elapsed, valid) = try await run()
print("\(mode): \(count) in \(elapsed), \(valid) valid, \(elapsed / count) each")
