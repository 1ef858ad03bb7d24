import Foundation
import ServiceAuth

/// The issuer's RS256 signing keys: one active key that signs, and retired keys that stay in
/// the JWKS until every token they signed has expired.
///
/// Rotation follows what verifiers need: a verifier that cached the JWKS before a rotation
/// learns the new `kid` on its next refresh, and tokens already in flight keep verifying until
/// they expire because their key is still published.
///
/// The published set is bounded: at most ``maxRetiredKeys`` retired keys are kept, so however
/// often the key is rotated the JWKS stays far below any verifier's size and key-count limits
/// (`JWKSCache.Configuration.maxResponseBytes`/`maxKeys`); a JWKS past those limits would make
/// every verifier answer `jwks_unavailable`. Past the cap, the *oldest* retired key is dropped:
/// a rotation — the answer to a leaked key — always succeeds, and tokens still carrying the
/// dropped key stop verifying early (they were signed at least ``maxRetiredKeys`` rotations
/// ago).
struct SigningKeyRing: Sendable {
    /// The most retired keys published beside the active one.
    static let maxRetiredKeys = 3

    private(set) var active: JWTSigner
    /// Retired signers, oldest first, and the moment after which nothing they signed can still be valid.
    private(set) var retired: [(signer: JWTSigner, until: Date)] = []

    init(active: JWTSigner) { self.active = active }

    /// Makes `next` the signing key; the old one is published until `until`, or until
    /// ``maxRetiredKeys`` newer keys have been retired.
    ///
    /// - Returns: How many retired keys were dropped early to respect the cap.
    @discardableResult
    mutating func rotate(to next: JWTSigner, retireOldUntil until: Date) -> Int {
        retired.append((active, until))
        active = next
        let excess = max(0, retired.count - Self.maxRetiredKeys)
        retired.removeFirst(excess)
        return excess
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
