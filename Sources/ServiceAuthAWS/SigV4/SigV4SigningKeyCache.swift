import Crypto
import Synchronization
import ServiceAuthCore

/// A bounded cache of derived SigV4 signing keys, per (secret, date, region, service).
///
/// Deriving the key costs four HMACs; a verifier sees the same few credentials all day, so
/// the cache turns that into one lookup under a lock (no actor hop). When full it is simply
/// emptied: keys change daily anyway, and an unbounded map would let many distinct access
/// keys grow memory without limit.
final class SigV4SigningKeyCache: Sendable {
    private struct Key: Hashable {
        var secret: String
        var date: String
        var region: String
        var service: String
    }

    /// The cache shared by signers and verifiers that are not given their own.
    static let shared = SigV4SigningKeyCache(capacity: 512)

    private let capacity: Int
    private let entries = Mutex<[Key: SymmetricKey]>([:])

    init(capacity: Int) { self.capacity = capacity }

    /// The signing key for the scope, derived once and then cached.
    func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        let key = Key(secret: secret, date: date, region: region, service: service)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let derived = Self.derive(secret: secret, date: date, region: region, service: service)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = derived
        }
        return derived
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    static func derive(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }
}
