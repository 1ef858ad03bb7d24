import Crypto
import _CryptoExtras
import Foundation
import ServiceAuthCore

/// One ready-to-use verification key from a JWKS: parsed once when the set is fetched, so
/// the hot path does a dictionary lookup and a signature check, nothing else.
struct JWKSKey: Sendable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
    }

    /// The `kid`, if the JWK has one.
    let keyID: String?
    /// The JWK's `alg`, when it names one: the token's `alg` must then equal it.
    let algorithm: JWTAlgorithm?
    let material: Material
    /// A digest of the key's public parameters: identifies the key across refetches, so a
    /// cached verification stays valid only while the same key is still published.
    let fingerprint: SHA256.Digest

    /// Whether a token signed with `tokenAlgorithm` may be checked with this key.
    func accepts(_ tokenAlgorithm: JWTAlgorithm) -> Bool {
        if let algorithm, algorithm != tokenAlgorithm { return false }
        switch (material, tokenAlgorithm.family) {
        case (.rsa, .rsaPKCS1), (.rsa, .rsaPSS), (.p256, .p256), (.p384, .p384), (.p521, .p521), (.ed25519, .ed25519):
            return true
        default:
            return false
        }
    }

    /// Checks `signature` over `signingInput` (the original `header.payload` bytes).
    ///
    /// The caller has checked ``accepts(_:)``; a mismatch here simply fails.
    func isValidSignature(_ signature: [UInt8], signingInput: UnsafeRawBufferPointer, algorithm: JWTAlgorithm) -> Bool {
        switch material {
        case .rsa(let key):
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            let padding: _RSA.Signing.Padding
            switch algorithm.family {
            case .rsaPKCS1: padding = .insecurePKCS1v1_5
            case .rsaPSS: padding = .PSS
            default: return false
            }
            switch algorithm.hash {
            case .sha256: return key.isValidSignature(rsaSignature, for: SHA256.hash(data: signingInput), padding: padding)
            case .sha384: return key.isValidSignature(rsaSignature, for: SHA384.hash(data: signingInput), padding: padding)
            case .sha512: return key.isValidSignature(rsaSignature, for: SHA512.hash(data: signingInput), padding: padding)
            }
        case .p256(let key):
            // JWS carries ECDSA signatures as fixed-size R||S (RFC 7518 §3.4), never DER.
            guard algorithm.family == .p256, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA256.hash(data: signingInput))
        case .p384(let key):
            guard algorithm.family == .p384, let ecdsa = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA384.hash(data: signingInput))
        case .p521(let key):
            guard algorithm.family == .p521, let ecdsa = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA512.hash(data: signingInput))
        case .ed25519(let key):
            guard algorithm.family == .ed25519 else { return false }
            return key.isValidSignature(signature, for: signingInput)
        }
    }
}
