import Crypto
import Foundation
import HTTPTypes
import Synchronization
import _CryptoExtras

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// Keys generated once per test process (RSA generation is slow in debug builds).
enum TestKeys {
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let rsa2 = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let p256 = P256.Signing.PrivateKey()
    static let p384 = P384.Signing.PrivateKey()
    static let p521 = P521.Signing.PrivateKey()
    static let ed25519 = Curve25519.Signing.PrivateKey()
    static let attackerRSA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
}

/// A signing key for minting test tokens with any header and algorithm.
enum TestSigningKey {
    case rsa(_RSA.Signing.PrivateKey, pss: Bool, hash: Int)
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    case p521(P521.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)
    case hmac(SymmetricKey)
    case unsigned

    func sign(_ input: [UInt8]) -> [UInt8] {
        switch self {
        case .rsa(let key, let pss, let hash):
            let padding: _RSA.Signing.Padding = pss ? .PSS : .insecurePKCS1v1_5
            let signature: _RSA.Signing.RSASignature
            switch hash {
            case 384: signature = try! key.signature(for: SHA384.hash(data: input), padding: padding)
            case 512: signature = try! key.signature(for: SHA512.hash(data: input), padding: padding)
            default: signature = try! key.signature(for: SHA256.hash(data: input), padding: padding)
            }
            return Array(signature.rawRepresentation)
        case .p256(let key): return Array(try! key.signature(for: input).rawRepresentation)
        case .p384(let key): return Array(try! key.signature(for: input).rawRepresentation)
        case .p521(let key): return Array(try! key.signature(for: input).rawRepresentation)
        case .ed25519(let key): return Array(try! key.signature(for: input))
        case .hmac(let key): return Array(HMAC<SHA256>.authenticationCode(for: input, using: key))
        case .unsigned: return []
        }
    }
}

/// Mints compact JWS tokens.
enum Mint {
    static func token(header: [String: JSONValue], claims: [String: JSONValue], key: TestSigningKey) -> String {
        let input = Base64URL.encode(Array(JSONValue.object(header).jsonString.utf8)) + "."
            + Base64URL.encode(Array(JSONValue.object(claims).jsonString.utf8))
        return input + "." + Base64URL.encode(key.sign(Array(input.utf8)))
    }

    static func rs256(_ claims: [String: JSONValue], kid: String? = "rsa-1", extraHeader: [String: JSONValue] = [:],
                      key: _RSA.Signing.PrivateKey = TestKeys.rsa) -> String {
        var header: [String: JSONValue] = ["alg": "RS256", "typ": "JWT"]
        if let kid { header["kid"] = .string(kid) }
        header.merge(extraHeader) { _, new in new }
        return token(header: header, claims: claims, key: .rsa(key, pss: false, hash: 256))
    }

    static func es256(_ claims: [String: JSONValue], kid: String = "ec-1") -> String {
        token(header: ["alg": "ES256", "kid": .string(kid)], claims: claims, key: .p256(TestKeys.p256))
    }
}

/// JWKs for the test keys.
enum TestJWK {
    static func rsa(_ key: _RSA.Signing.PrivateKey = TestKeys.rsa, kid: String = "rsa-1", alg: String? = "RS256") -> JSONValue {
        let primitives = try! key.publicKey.getKeyPrimitives()
        var jwk: [String: JSONValue] = [
            "kty": "RSA", "kid": .string(kid), "use": "sig",
            "n": .string(Base64URL.encode(primitives.modulus)), "e": .string(Base64URL.encode(primitives.publicExponent)),
        ]
        if let alg { jwk["alg"] = .string(alg) }
        return .object(jwk)
    }

    static func p256(kid: String = "ec-1", alg: String? = "ES256") -> JSONValue {
        let raw = TestKeys.p256.publicKey.rawRepresentation
        var jwk: [String: JSONValue] = [
            "kty": "EC", "crv": "P-256", "kid": .string(kid),
            "x": .string(Base64URL.encode(raw.prefix(32))), "y": .string(Base64URL.encode(raw.suffix(32))),
        ]
        if let alg { jwk["alg"] = .string(alg) }
        return .object(jwk)
    }

    static func p384(kid: String = "ec-384") -> JSONValue {
        let raw = TestKeys.p384.publicKey.rawRepresentation
        return ["kty": "EC", "crv": "P-384", "kid": .string(kid),
                "x": .string(Base64URL.encode(raw.prefix(48))), "y": .string(Base64URL.encode(raw.suffix(48)))]
    }

    static func p521(kid: String = "ec-521") -> JSONValue {
        let raw = TestKeys.p521.publicKey.rawRepresentation
        return ["kty": "EC", "crv": "P-521", "kid": .string(kid),
                "x": .string(Base64URL.encode(raw.prefix(66))), "y": .string(Base64URL.encode(raw.suffix(66)))]
    }

    static func ed25519(kid: String = "ed-1") -> JSONValue {
        ["kty": "OKP", "crv": "Ed25519", "kid": .string(kid),
         "x": .string(Base64URL.encode(TestKeys.ed25519.publicKey.rawRepresentation))]
    }

    static func set(_ keys: [JSONValue]) -> [UInt8] {
        Array(JSONValue.object(["keys": .array(keys)]).jsonString.utf8)
    }

    static let standard = set([rsa(), p256(), p384(), p521(), ed25519()])
}

/// An in-memory HTTPTransport serving a JWKS that tests can change, counting requests.
final class FakeJWKSTransport: HTTPTransport {
    struct Reply: Sendable {
        var status: HTTPResponse.Status = .ok
        var body: [UInt8]
        var cacheControl: String?
        var delay: Duration?
        var fail = false
    }

    private let state: Mutex<(reply: Reply, requests: [String])>

    init(_ body: [UInt8] = TestJWK.standard) { state = Mutex((Reply(body: body), [])) }

    var requestCount: Int { state.withLock { $0.requests.count } }
    var requestedURLs: [String] { state.withLock { $0.requests } }
    func set(_ reply: Reply) { state.withLock { $0.reply = reply } }
    func setKeys(_ body: [UInt8], cacheControl: String? = nil) { set(Reply(body: body, cacheControl: cacheControl)) }

    func send(_ request: HTTPRequest, body: [UInt8]?, timeout: Duration, maxResponseBytes: Int) async throws -> (HTTPResponse, [UInt8]) {
        let reply = state.withLock { state in
            state.requests.append(request.urlString)
            return state.reply
        }
        if let delay = reply.delay { try await Task.sleep(for: delay) }
        if reply.fail { throw HTTPTransportError(reason: "connection refused") }
        guard reply.body.count <= maxResponseBytes else { throw HTTPTransportError.responseTooLarge }
        var fields = HTTPFields()
        if let cacheControl = reply.cacheControl { fields[.cacheControl] = cacheControl }
        return (HTTPResponse(status: reply.status, headerFields: fields), reply.body)
    }
}

/// Standard fixtures.
enum Fixture {
    static let issuer = "https://issuer.example.com/pool"
    static let clock0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func claims(_ overrides: [String: JSONValue] = [:], removing: [String] = []) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "sub": "user-sub-1", "username": "alice", "client_id": "client-a",
            "token_use": "access", "scope": "orders/read orders/write", "cognito:groups": ["customers"],
            "iat": .number(clock0.timeIntervalSince1970 - 60), "exp": .number(clock0.timeIntervalSince1970 + 3600),
        ]
        claims.merge(overrides) { _, new in new }
        for name in removing { claims[name] = nil }
        return claims
    }

    static func verifier(
        _ configure: (inout JWTVerifier.Configuration) -> Void = { _ in },
        transport: FakeJWKSTransport = FakeJWKSTransport(),
        clock: TestClock = TestClock(),
        cache: VerifiedTokenCache? = nil
    ) -> JWTVerifier {
        var configuration = JWTVerifier.Configuration(issuers: [issuer], audience: .anyAudience, tokenUse: nil)
        configure(&configuration)
        return JWTVerifier(configuration: configuration, transport: transport, tokenCache: cache, now: clock.closure)
    }
}

/// The code of the error `body` throws, or `nil` when it succeeds.
func errorCode(_ body: () async throws -> VerifiedToken) async -> String? {
    do {
        _ = try await body()
        return nil
    } catch let error as JWTError {
        return error.code.rawValue
    } catch {
        return "untyped error: \(error)"
    }
}
