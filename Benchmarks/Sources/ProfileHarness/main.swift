// Runs one verification path in a loop, for profilers:
//   swift build --package-path Benchmarks -c release --product ProfileHarness
//   perf record -e cpu-clock -g Benchmarks/.build/release/ProfileHarness verify-rs256 40000
//   perf report --no-children --sort dso,symbol
// Modes: ratio-rs256 (raw and verify alternating; count = blocks), verify-rs256, verify-es256, cached-rs256, raw-rs256, sigv4-verify-get,
// middleware-jwt (RouteSecurity.run with BearerTokenAuthenticator, the token cache on, no HTTP),
// middleware-executeapi (the same with the gateway's executeAPI policy), middleware-public
// (RouteSecurity.public: the baseline a route without auth pays).
// (valgrind 3.19 cannot read the DWARF 5 debug info Swift 6.3 emits; perf with the software
// cpu-clock event works where hardware counters are not available.)
import BenchmarkSupport
import Crypto
import Foundation
import HTTPTypes
import ServiceAuth
import _CryptoExtras

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "verify-rs256"
let count = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000

let keys = try BenchKeys()
let claims = BenchFixtures.accessClaims()
let token = mode.hasSuffix("es256") ? try keys.ec.sign(claims) : try keys.rsa.sign(claims)
let configuration = JWTVerifier.Configuration(issuers: [BenchFixtures.issuer], audience: .clientIds([BenchFixtures.clientId]), tokenUse: .access)
let jwks = JWKSCache(jwksURI: URL(string: BenchFixtures.jwksURI)!, transport: StaticJSONTransport(json: keys.jwksJSON))
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

let security: RouteSecurity =
    switch mode {
    case "middleware-public": .public
    case "middleware-executeapi":
        // The gateway sample's authorizer: any valid token may call /whoami.
        RouteSecurity(
            [BearerTokenAuthenticator(verifier: verifier, cachesVerifiedTokens: true)],
            policy: .executeAPI(ExecuteAPIResource(region: "us-east-1", accountId: "123456789012", apiId: "local", stage: "prod"), rules: [
                .allow(scope: "orders/read", method: "GET", path: "orders/*"), .allow(scope: "orders/write", method: "POST", path: "orders"),
                .allow(method: "*", path: "whoami"), .allow(method: "*", path: "whoami/*"),
            ]))
    default: RouteSecurity([BearerTokenAuthenticator(verifier: verifier, cachesVerifiedTokens: true)])
    }
let bearerRequest = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/whoami",
                                headerFields: [.authorization: "Bearer \(token)"])

/// A SigV4-signed small GET and a verifier that accepts it.
let sigV4: (verifier: SigV4Verifier, request: HTTPRequest) = {
    let date = Date()
    let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    let store = JSONFileCredentialStore(entries: [
        .init(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
              principal: "arn:aws:iam::123456789012:role/orders")
    ])
    let verifier = SigV4Verifier(configuration: .init(region: "us-east-1", service: "execute-api", acceptedHosts: .anyHost), credentialStore: store, now: { date })
    var request = HTTPRequest(method: .get, scheme: "http", authority: "inventory.internal:8080", path: "/items/42?view=full")
    request.headerFields[.accept] = "application/json"
    let signed = SigV4Signer(region: "us-east-1", service: "execute-api").sign(request, credentials: credentials, date: date, payload: .bodyHashHeader)
    return (verifier, signed.request)
}()

/// The baseline: SHA-256 of the signing input and the RSA check, signature decoded, key built.
func rawCheck() -> Bool {
    publicKey.isValidSignature(signature, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
}

/// The loop runs off the main actor (top-level code is main-actor isolated): calling the
/// verifier from there would add two executor hops per call that a server never pays.
@concurrent
func run() async throws -> (Duration, Int) {
    let start = ContinuousClock.now
    var valid = 0
    for _ in 0..<count {
        if mode.hasPrefix("raw") {
            if rawCheck() { valid += 1 }
        } else if mode.hasPrefix("middleware") {
            _ = try await security.run(bearerRequest, body: MessageBody([]), context: RequestContext()) { _, _, _ in
                (HTTPResponse(status: .ok), MessageBody([]))
            }
            valid += 1
        } else if mode.hasPrefix("sigv4") {
            _ = try await sigV4.verifier.verify(sigV4.request, body: [])
            valid += 1
        } else {
            _ = try await verifier.verify(token)
            valid += 1
        }
    }
    return (ContinuousClock.now - start, valid)
}
/// `ratio-rs256`: the raw check and the full verification in alternating blocks in one process,
/// so both see the same machine; prints each one's best block and the ratio raw / verify
/// (the "verify ≥ 0.90 × raw" goal) over `count` blocks of 2,000.
@concurrent
func ratio() async throws {
    precondition(count > 0, "ratio-rs256 needs a block count above 0")
    var bestRaw = Duration.seconds(1_000), bestVerify = Duration.seconds(1_000)
    var ratios: [Double] = []
    let block = 2_000
    for _ in 0..<count {
        var start = ContinuousClock.now
        for _ in 0..<block {
            precondition(rawCheck())
        }
        let raw = ContinuousClock.now - start
        start = ContinuousClock.now
        for _ in 0..<block { _ = try await verifier.verify(token) }
        let verify = ContinuousClock.now - start
        bestRaw = min(bestRaw, raw)
        bestVerify = min(bestVerify, verify)
        ratios.append(raw / verify)
    }
    ratios.sort()
    print("raw \(bestRaw / block) verify \(bestVerify / block) per call (best blocks); raw/verify: best blocks \(bestRaw / bestVerify), median block \(ratios[ratios.count / 2])")
}

if mode.hasPrefix("ratio") {
    try await ratio()
} else {
    let (elapsed, valid) = try await run()
    print("\(mode): \(count) in \(elapsed), \(valid) valid, \(elapsed / count) each")
}
