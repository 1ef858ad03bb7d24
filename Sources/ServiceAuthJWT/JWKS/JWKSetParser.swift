import Crypto
import _CryptoExtras
import Foundation
import ServiceAuthCore

/// Parses a JWK Set (RFC 7517 §5) leniently: key by key.
///
/// One unsupported or broken key must not take the good keys down with it (jwt-kit 5 rejects
/// the whole set), so each key is parsed on its own and skipped when it does not qualify.
/// Only signature keys qualify: `use` absent or `sig`, `key_ops` absent or containing
/// `verify`, RSA of 2048–8192 bits, EC on P-256/P-384/P-521, Ed25519.
enum JWKSetParser {
    struct Result: Sendable {
        /// Keys that have a `kid`, by `kid`.
        var keysByID: [String: JWKSKey] = [:]
        /// Keys without a `kid` (used only when a verifier allows tokens without `kid`).
        var unnamedKeys: [JWKSKey] = []
        /// How many keys were skipped, for logs.
        var skipped = 0
    }

    /// Parses a JWKS document.
    ///
    /// - Returns: The usable keys, or `nil` when the document itself is not a JWK Set.
    static func parse(_ bytes: [UInt8], maxKeys: Int) -> Result? {
        guard let document = try? JSONValue.parse(bytes, maxDepth: 8),
              let keys = document["keys"]?.arrayValue
        else { return nil }
        var result = Result()
        var duplicates: Set<String> = []
        for value in keys.prefix(maxKeys) {
            guard let jwk = value.objectValue, let key = parseKey(jwk) else {
                result.skipped += 1
                continue
            }
            if let keyID = key.keyID {
                // Two different keys under one `kid` make the choice ambiguous: use neither.
                if duplicates.contains(keyID) || result.keysByID[keyID] != nil {
                    duplicates.insert(keyID)
                    result.keysByID[keyID] = nil
                    result.skipped += 1
                    continue
                }
                result.keysByID[keyID] = key
            } else {
                result.unnamedKeys.append(key)
            }
        }
        result.skipped += max(0, keys.count - maxKeys)
        return result
    }

    /// Parses one JWK; `nil` when it is not a usable signature key.
    static func parseKey(_ jwk: [String: JSONValue]) -> JWKSKey? {
        guard let kty = jwk["kty"]?.stringValue else { return nil }
        var keyID: String?
        if let kidValue = jwk["kid"] {
            guard let kid = kidValue.stringValue, !kid.isEmpty else { return nil }
            keyID = kid
        }
        if let use = jwk["use"] {
            guard use.stringValue == "sig" else { return nil }
        }
        if let ops = jwk["key_ops"] {
            guard let list = ops.arrayValue, list.contains(.string("verify")) else { return nil }
        }
        var algorithm: JWTAlgorithm?
        if let algValue = jwk["alg"] {
            // A key restricted to an algorithm we do not implement cannot be used at all.
            guard let name = algValue.stringValue, let alg = JWTAlgorithm(rawValue: name) else { return nil }
            algorithm = alg
        }
        let material: JWKSKey.Material
        var fingerprintInput: [UInt8] = Array(kty.utf8)
        switch kty {
        case "RSA":
            guard let n = base64(jwk["n"]), let e = base64(jwk["e"]) else { return nil }
            let modulus = n.drop(while: { $0 == 0 })
            let exponent = e.drop(while: { $0 == 0 })
            // Upper bounds keep a hostile JWKS from making every verification slow.
            guard modulus.count * 8 <= 8192, !exponent.isEmpty, exponent.count <= 8 else { return nil }
            // swift-crypto refuses moduli under 2048 bits.
            guard let key = try? _RSA.Signing.PublicKey(n: Array(modulus), e: Array(exponent)) else { return nil }
            material = .rsa(key)
            fingerprintInput += [0] + modulus + [0] + exponent
        case "EC":
            guard let crv = jwk["crv"]?.stringValue, let x = base64(jwk["x"]), let y = base64(jwk["y"]) else { return nil }
            // RFC 7518 §6.2.1.2: coordinates are the full field size, so lengths are exact.
            let point = [0x04] + x + y
            switch crv {
            case "P-256":
                guard x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(x963Representation: point) else { return nil }
                material = .p256(key)
            case "P-384":
                guard x.count == 48, y.count == 48, let key = try? P384.Signing.PublicKey(x963Representation: point) else { return nil }
                material = .p384(key)
            case "P-521":
                guard x.count == 66, y.count == 66, let key = try? P521.Signing.PublicKey(x963Representation: point) else { return nil }
                material = .p521(key)
            default:
                return nil
            }
            fingerprintInput += Array(crv.utf8) + point
        case "OKP":
            guard jwk["crv"]?.stringValue == "Ed25519", let x = base64(jwk["x"]), x.count == 32,
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
            else { return nil }
            material = .ed25519(key)
            fingerprintInput += Array("Ed25519".utf8) + x
        default:
            return nil
        }
        let key = JWKSKey(keyID: keyID, algorithm: algorithm, material: material, fingerprint: SHA256.hash(data: fingerprintInput))
        if let algorithm, !key.acceptsFamily(of: algorithm) { return nil }
        return key
    }

    private static func base64(_ value: JSONValue?) -> [UInt8]? {
        guard let text = value?.stringValue, !text.isEmpty else { return nil }
        return Base64URL.decode(text)
    }
}

extension JWKSKey {
    /// Whether the key's type can produce `algorithm` signatures at all (ignoring the JWK's own `alg`).
    func acceptsFamily(of algorithm: JWTAlgorithm) -> Bool {
        JWKSKey(keyID: keyID, algorithm: nil, material: material, fingerprint: fingerprint).accepts(algorithm)
    }
}
