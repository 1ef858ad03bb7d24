/// The key of a token in ``VerifiedTokenCache``: the token's length and its last 32 bytes.
///
/// A compact JWS ends in its signature, so the last 32 bytes are signature bytes for every
/// real token: values no two tokens share in practice, so the key is enough to find the
/// entry, and it is cheap to make (no hash of the whole ~1 KB token, which was two thirds of
/// a cache hit's time). The key is **not** proof of identity — an attacker can copy a cached
/// token's tail onto a forged one — so a hit counts only when the presented token equals the
/// cached one byte for byte (``VerifiedTokenCache/Entry/matches(_:)``). `Dictionary` hashes
/// the key with its per-process random seed, so chosen tails cannot flood one bucket.
struct TokenCacheKey: Hashable, Sendable {
    private let length: Int
    private let tail0: UInt64
    private let tail1: UInt64
    private let tail2: UInt64
    private let tail3: UInt64

    /// The key of `token`.
    init(_ token: String) {
        var text = token
        self = text.withUTF8 { TokenCacheKey(bytes: $0) }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        length = bytes.count
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        // Shorter tokens (never valid JWTs, but keys all the same) are zero-padded.
        let take = Swift.min(bytes.count, 32)
        withUnsafeMutableBytes(of: &words) { destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[(bytes.count - take)...])))
        }
        (tail0, tail1, tail2, tail3) = words
    }
}

/// Whether two byte sequences are equal, in time that depends only on their lengths.
///
/// A cached token is a credential: comparing it with a presented one by `==` (which stops at
/// the first differing byte) would let someone who knows a cached token's tail learn the rest
/// of its signature from response times.
func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    var left = lhs
    var right = rhs
    return left.withUTF8 { leftBytes in
        right.withUTF8 { rightBytes in
            guard leftBytes.count == rightBytes.count else { return false }
            var difference: UInt8 = 0
            for index in 0..<leftBytes.count { difference |= leftBytes[index] ^ rightBytes[index] }
            return difference == 0
        }
    }
}
