import Crypto

/// Compares secrets (client secrets, passwords, tokens, MACs in text form) without leaking
/// where they differ: both sides are hashed with SHA-256 first, so the comparison always covers
/// 32 bytes whatever the lengths, and swift-crypto compares digests in constant time.
package enum SecretComparison {
    /// Whether two secrets are equal.
    ///
    /// - Parameters:
    ///   - lhs: One secret.
    ///   - rhs: The other.
    /// - Returns: Whether they are byte-for-byte equal.
    package static func equal(_ lhs: String, _ rhs: String) -> Bool {
        SHA256.hash(data: Array(lhs.utf8)) == SHA256.hash(data: Array(rhs.utf8))
    }
}
