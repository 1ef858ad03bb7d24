import ServiceAuthCore

/// A JWS signature algorithm the verifier can check (RFC 7518 §3, RFC 8037).
///
/// Only asymmetric algorithms exist here: a verifier holding public keys must never accept
/// an HMAC (`HS256`…) token, whose "key" would be the public key itself, nor `none`.
public struct JWTAlgorithm: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The JOSE name, e.g. `RS256`.
    public let rawValue: String
    let family: Family
    let hash: Hash

    enum Family: Sendable, Hashable { case rsaPKCS1, rsaPSS, p256, p384, p521, ed25519 }
    enum Hash: Sendable, Hashable { case sha256, sha384, sha512 }

    private init(_ name: String, _ family: Family, _ hash: Hash) {
        rawValue = name
        self.family = family
        self.hash = hash
    }

    /// Looks up a supported algorithm by its exact, case-sensitive JOSE name (RFC 7515 §4.1.1).
    ///
    /// - Parameter rawValue: The name, e.g. `ES256`.
    /// - Returns: `nil` for anything unsupported, including every spelling of `none` and all
    ///   HMAC algorithms.
    public init?(rawValue: String) {
        guard let algorithm = Self.all.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = algorithm
    }

    /// The JOSE name.
    public var description: String { rawValue }

    /// RSASSA-PKCS1-v1_5 with SHA-256.
    public static let rs256 = JWTAlgorithm("RS256", .rsaPKCS1, .sha256)
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    public static let rs384 = JWTAlgorithm("RS384", .rsaPKCS1, .sha384)
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    public static let rs512 = JWTAlgorithm("RS512", .rsaPKCS1, .sha512)
    /// RSASSA-PSS with SHA-256 and MGF1-SHA-256.
    public static let ps256 = JWTAlgorithm("PS256", .rsaPSS, .sha256)
    /// RSASSA-PSS with SHA-384 and MGF1-SHA-384.
    public static let ps384 = JWTAlgorithm("PS384", .rsaPSS, .sha384)
    /// RSASSA-PSS with SHA-512 and MGF1-SHA-512.
    public static let ps512 = JWTAlgorithm("PS512", .rsaPSS, .sha512)
    /// ECDSA on P-256 with SHA-256.
    public static let es256 = JWTAlgorithm("ES256", .p256, .sha256)
    /// ECDSA on P-384 with SHA-384.
    public static let es384 = JWTAlgorithm("ES384", .p384, .sha384)
    /// ECDSA on P-521 with SHA-512.
    public static let es512 = JWTAlgorithm("ES512", .p521, .sha512)
    /// EdDSA with Ed25519 (RFC 8037).
    public static let edDSA = JWTAlgorithm("EdDSA", .ed25519, .sha512)

    /// Every algorithm the verifier implements.
    public static let all: [JWTAlgorithm] = [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .edDSA]

    /// The default allow-list: RS256/384/512, ES256/384/512 and PS256.
    public static let defaultAllowed: Set<JWTAlgorithm> = [.rs256, .rs384, .rs512, .es256, .es384, .es512, .ps256]
}
