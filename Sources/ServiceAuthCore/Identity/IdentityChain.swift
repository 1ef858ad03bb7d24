public import HTTPTypes

/// The identity chain: which services a request passed through before reaching this one,
/// outermost first, as carried hop to hop in the `X-Auth-Chain` header
/// (e.g. `X-Auth-Chain: gateway,orders`).
///
/// The header is only a claim made by the caller. It is trusted (by ``IdentityChainAuthenticator``)
/// only from a caller whose own identity was verified, and it is bounded and restricted to a
/// small character set so that it can be logged and shown (``AuthContext/summary``) safely.
/// It is for audit and display; authorisation decisions should rest on verified identities.
public enum IdentityChain {
    /// The header that carries the chain: `X-Auth-Chain`.
    public static let headerName = HTTPField.Name("X-Auth-Chain")!

    /// Bounds on a chain, so that a hostile header costs bounded work and memory.
    public struct Limits: Sendable, Hashable {
        /// The most entries (hops) accepted.
        public var maxEntries: Int
        /// The longest entry accepted, in bytes.
        public var maxEntryLength: Int
        /// The longest header value accepted, in bytes (checked before parsing).
        public var maxHeaderBytes: Int

        /// Creates limits.
        ///
        /// - Parameters:
        ///   - maxEntries: The most entries; 10 by default.
        ///   - maxEntryLength: The longest entry; 128 bytes by default (room for an IAM ARN).
        ///   - maxHeaderBytes: The longest header; 1024 bytes by default.
        public init(maxEntries: Int = 10, maxEntryLength: Int = 128, maxHeaderBytes: Int = 1024) {
            self.maxEntries = maxEntries
            self.maxEntryLength = maxEntryLength
            self.maxHeaderBytes = maxHeaderBytes
        }
    }

    /// Whether `entry` may appear in a chain: 1 to `limits.maxEntryLength` bytes of ASCII letters,
    /// digits and `-._~:/@` (service names, client ids and IAM ARNs fit; separators, spaces,
    /// quotes and control characters do not, so an entry can never forge another).
    ///
    /// - Parameters:
    ///   - entry: The candidate entry.
    ///   - limits: The limits to apply.
    /// - Returns: Whether it is valid.
    public static func isValidEntry(_ entry: some StringProtocol, limits: Limits = Limits()) -> Bool {
        let bytes = entry.utf8
        guard !bytes.isEmpty, bytes.count <= limits.maxEntryLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "/"),
                UInt8(ascii: "@"):
                true
            default:
                false
            }
        }
    }

    /// Parses a header value: entries separated by commas, optional spaces or tabs around them
    /// (as when several header lines were combined). An empty value is an empty chain.
    ///
    /// - Parameters:
    ///   - value: The header value.
    ///   - limits: The limits to apply.
    /// - Returns: The entries, outermost first.
    /// - Throws: ``IdentityChainError`` when the value is too long, has too many entries or an
    ///   entry is empty or has a forbidden character.
    public static func parse(_ value: String, limits: Limits = Limits()) throws(IdentityChainError) -> [String] {
        guard value.utf8.count <= limits.maxHeaderBytes else {
            throw IdentityChainError(message: "the identity chain header exceeds \(limits.maxHeaderBytes) bytes")
        }
        let trimmed = value.trimmingOWS()
        if trimmed.isEmpty { return [] }
        var entries: [String] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = part.trimmingOWS()
            guard isValidEntry(entry, limits: limits) else {
                throw IdentityChainError(message: "the identity chain has an empty or invalid entry")
            }
            guard entries.count < limits.maxEntries else {
                throw IdentityChainError(message: "the identity chain has more than \(limits.maxEntries) entries")
            }
            entries.append(String(entry))
        }
        return entries
    }

    /// Renders entries as a header value.
    ///
    /// - Parameters:
    ///   - entries: The entries, outermost first.
    ///   - limits: The limits the next hop is expected to apply.
    /// - Returns: The comma-separated value.
    /// - Throws: ``IdentityChainError`` when an entry is invalid or the chain exceeds `limits`.
    public static func render(_ entries: [String], limits: Limits = Limits()) throws(IdentityChainError) -> String {
        guard entries.count <= limits.maxEntries else {
            throw IdentityChainError(message: "the identity chain would have more than \(limits.maxEntries) entries")
        }
        guard entries.allSatisfy({ isValidEntry($0, limits: limits) }) else {
            throw IdentityChainError(message: "the identity chain has an empty or invalid entry")
        }
        let value = entries.joined(separator: ",")
        guard value.utf8.count <= limits.maxHeaderBytes else {
            throw IdentityChainError(message: "the identity chain header would exceed \(limits.maxHeaderBytes) bytes")
        }
        return value
    }
}

extension StringProtocol {
    /// Drops leading and trailing spaces and tabs (HTTP's optional whitespace, RFC 9110 §5.6.3).
    fileprivate func trimmingOWS() -> SubSequence {
        let isOWS: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
