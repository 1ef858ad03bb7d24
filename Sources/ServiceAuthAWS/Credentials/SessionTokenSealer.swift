public import Crypto
public import Foundation
import ServiceAuthCore

/// What a sealed session token carries: the temporary credentials it stands for.
public struct SessionTokenClaims: Sendable, Hashable, Codable {
    /// The temporary access key id (`ASIA…`).
    public var accessKeyId: String
    /// The temporary secret access key.
    public var secretAccessKey: String
    /// The assumed-role ARN, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    public var principal: String
    /// When the credentials were issued. Sealed so that whoever opens the token can check the
    /// session's lifetime (`expiration - issuedAt`) against the longest one STS grants; a
    /// token without it does not open.
    public var issuedAt: Date
    /// When the credentials expire.
    public var expiration: Date

    /// Creates claims.
    ///
    /// - Parameters:
    ///   - accessKeyId: The temporary access key id (`ASIA…`).
    ///   - secretAccessKey: The temporary secret access key.
    ///   - principal: The assumed-role ARN.
    ///   - issuedAt: When the credentials were issued.
    ///   - expiration: When they expire.
    public init(accessKeyId: String, secretAccessKey: String, principal: String, issuedAt: Date, expiration: Date) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.principal = principal
        self.issuedAt = issuedAt
        self.expiration = expiration
    }

    /// The session's lifetime, `expiration - issuedAt`.
    public var lifetime: TimeInterval { expiration.timeIntervalSince(issuedAt) }
}

/// Seals temporary credentials inside their own session token, and opens them again.
///
/// This is the trust model of the local issuer's STS: `AssumeRole` returns a session token that
/// is the credentials' claims encrypted and authenticated with AES-256-GCM under a key shared
/// by the issuer and the services that accept its temporary credentials. A service holding the
/// key can check a SigV4 signature made with temporary credentials without calling the issuer
/// per request: it opens the token (which fails unless the issuer sealed it), checks that the
/// access key id in the request matches the one sealed inside, and verifies the signature with
/// the sealed secret. Anyone holding the key can mint credentials, so it must be kept as
/// secret as a signing key; real AWS keeps the equivalent key inside STS and IAM.
///
/// Token format: `SAT1.` + base64url(nonce ‖ ciphertext ‖ tag), with the version prefix as
/// additional authenticated data.
public struct SessionTokenSealer: Sendable {
    private static let prefix = "SAT1."
    /// The largest token ``open(_:)`` accepts, so hostile input cannot cost unbounded work.
    public static let maxTokenLength = 4096

    private let key: SymmetricKey

    /// Creates a sealer.
    ///
    /// - Parameter key: A 256-bit key.
    public init(key: SymmetricKey) { self.key = key }

    /// Creates a sealer with a new random 256-bit key.
    public static func random() -> SessionTokenSealer { SessionTokenSealer(key: SymmetricKey(size: .bits256)) }

    /// The key's bytes, base64-encoded, for handing to the services that must trust the issuer.
    public var exportedKey: String {
        key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Creates a sealer from a key exported with ``exportedKey``.
    ///
    /// - Throws: ``SessionTokenError/invalidKey`` unless the text is a base64 256-bit key.
    public init(exportedKey: String) throws(SessionTokenError) {
        guard let data = Data(base64Encoded: exportedKey.trimmingCharacters(in: .whitespacesAndNewlines)),
            data.count == 32
        else { throw .invalidKey }
        self.init(key: SymmetricKey(data: data))
    }

    /// Seals claims into a session token.
    ///
    /// - Throws: Encoding or encryption errors.
    public func seal(_ claims: SessionTokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let plaintext = try encoder.encode(claims)
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(Self.prefix.utf8))
        guard let combined = box.combined else { throw SessionTokenError.invalidToken }
        return Self.prefix + Base64URL.encode(combined)
    }

    /// Opens a session token.
    ///
    /// - Returns: The sealed claims. Expiry and lifetime are *not* checked here; callers
    ///   compare ``SessionTokenClaims/issuedAt`` and ``SessionTokenClaims/expiration`` with
    ///   their clock and their limits (``IssuerSessionCredentialStore`` does).
    /// - Throws: ``SessionTokenError/invalidToken`` for anything not sealed with this key.
    public func open(_ token: String) throws(SessionTokenError) -> SessionTokenClaims {
        guard token.utf8.count <= Self.maxTokenLength, token.hasPrefix(Self.prefix),
            let combined = Base64URL.decode(token.utf8.dropFirst(Self.prefix.utf8.count)),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: Data(Self.prefix.utf8))
        else { throw .invalidToken }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let claims = try? decoder.decode(SessionTokenClaims.self, from: plaintext) else { throw .invalidToken }
        return claims
    }
}

/// Errors of ``SessionTokenSealer``.
public enum SessionTokenError: Error, Sendable, Hashable {
    /// The token was not sealed by this key, or is malformed.
    case invalidToken
    /// The key is not a base64-encoded 256-bit key.
    case invalidKey
}
