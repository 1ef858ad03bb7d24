import Foundation
import ServiceAuth

/// The issuer's RS256 signing keys: one active key that signs, and retired keys that stay in
/// the JWKS until every token they signed has expired.
///
/// Rotation follows what verifiers need: a verifier that cached the JWKS before a rotation
/// learns the new `kid` on its next refresh, and tokens already in flight keep verifying until
/// they expire because their key is still published.
struct SigningKeyRing: Sendable {
    private(set) var active: JWTSigner
    /// Retired signers and the moment after which nothing they signed can still be valid.
    private(set) var retired: [(signer: JWTSigner, until: Date)] = []

    init(active: JWTSigner) { self.active = active }

    /// Makes `next` the signing key; the old one is published until `until`.
    mutating func rotate(to next: JWTSigner, retireOldUntil until: Date) {
        retired.append((active, until))
        active = next
    }

    /// Forgets retired keys whose tokens have all expired.
    mutating func prune(now: Date) {
        retired.removeAll { $0.until <= now }
    }

    /// The published keys, newest first.
    func publishedKeys(now: Date) -> [JWTSigner] {
        [active] + retired.filter { $0.until > now }.reversed().map(\.signer)
    }

    /// A fresh RS256 key with a random `kid`.
    static func generateKey() throws -> JWTSigner {
        try JWTSigner.generateRS256(keyID: Base64URL.encode(SystemRandomNumberGenerator.randomBytes(12)))
    }
}

extension SystemRandomNumberGenerator {
    /// `count` bytes from the system's cryptographically secure generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
