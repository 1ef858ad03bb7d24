public import Foundation

/// Accepts the local issuer's temporary credentials without calling the issuer per request.
///
/// The issuer's `AssumeRole` seals the temporary credentials into their own session token
/// (``SessionTokenSealer``). Holding the same key, this store opens the request's
/// `X-Amz-Security-Token`, checks that the sealed access key id is the one the request was
/// signed with, checks the session's lifetime and expiry, and hands the sealed secret to the
/// verifier.
///
/// Whoever holds the key can seal a token, so a valid seal alone is not enough: a session is
/// refused as `InvalidClientTokenId` when it does not open, belongs to another access key id,
/// was issued in the future (beyond ``Configuration/maxClockSkew``), or lives longer than
/// STS would ever grant (``Configuration/maxSessionDuration``, 12 h, and the role's own
/// maximum when ``Configuration/roleMaxSessionDuration`` knows it); an expired one is
/// `ExpiredToken`.
public struct IssuerSessionCredentialStore: CredentialStore {
    /// Errors obtaining the issuer's key.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong (never the key).
        public var reason: String
        /// A readable description.
        public var description: String { reason }
    }

    private let sealer: SessionTokenSealer
    private let configuration: Configuration
    private let now: @Sendable () -> Date

    /// Creates a store from the issuer's sealer.
    ///
    /// - Parameters:
    ///   - sealer: A sealer with the issuer's key.
    ///   - configuration: The lifetime rules (default: 12 h at most, 5 min of clock skew).
    ///   - now: The clock for expiry checks.
    public init(sealer: SessionTokenSealer, configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.sealer = sealer
        self.configuration = configuration
        self.now = now
    }

    /// Creates a store from the key's text: the base64 key itself or the JSON `{"key":"<base64>"}`.
    ///
    /// - Parameters:
    ///   - keyText: The key text.
    ///   - configuration: The lifetime rules.
    ///   - now: The clock for expiry checks.
    /// - Throws: ``LoadError`` when the text holds no 256-bit key.
    public init(keyText: String, configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.init(sealer: try Self.sealer(fromKeyText: keyText), configuration: configuration, now: now)
    }

    /// Parses the base64 key or the JSON `{"key":"<base64>"}`.
    static func sealer(fromKeyText text: String) throws(LoadError) -> SessionTokenSealer {
        var keyText = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if keyText.hasPrefix("{") {
            struct KeyDocument: Decodable { var key: String }
            guard let document = try? JSONDecoder().decode(KeyDocument.self, from: Data(keyText.utf8)) else {
                throw LoadError(reason: "the issuer key document must be {\"key\":\"<base64>\"}")
            }
            keyText = document.key
        }
        do {
            return try SessionTokenSealer(exportedKey: keyText)
        } catch {
            throw LoadError(reason: "the issuer key must be a base64-encoded 256-bit key")
        }
    }

    /// Opens the session token and returns the credentials sealed in it.
    ///
    /// - Parameters:
    ///   - accessKeyId: The request's access key id.
    ///   - sessionToken: The request's session token.
    /// - Returns: `nil` without a session token (not this store's kind of credential).
    /// - Throws: ``SigV4Error`` `InvalidClientTokenId` or `ExpiredToken`.
    public func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
        guard let sessionToken else { return nil }
        let claims: SessionTokenClaims
        do {
            claims = try sealer.open(sessionToken)
        } catch {
            throw SigV4Error.invalidClientTokenId("the security token included in the request is invalid")
        }
        guard SecretComparison.equal(claims.accessKeyId, accessKeyId) else {
            throw SigV4Error.invalidClientTokenId("the security token does not belong to the access key id")
        }
        try checkLifetime(of: claims, now: now())
        return StoredCredential(
            secretAccessKey: claims.secretAccessKey,
            principal: claims.principal,
            expiration: claims.expiration
        )
    }

    /// The lifetime rules: a session STS could not have issued is forged (whoever sealed it
    /// holds the key but not the issuer's rules), so it is `InvalidClientTokenId`, checked
    /// before expiry so that a forged token never reads as merely expired.
    func checkLifetime(of claims: SessionTokenClaims, now: Date) throws(SigV4Error) {
        let invalid = SigV4Error.invalidClientTokenId("the security token included in the request is invalid")
        guard claims.issuedAt.timeIntervalSince(now) <= configuration.maxClockSkew.timeInterval else { throw invalid }
        let lifetime = claims.lifetime
        guard lifetime > 0, lifetime <= configuration.maxSessionDuration.timeInterval else { throw invalid }
        if let roleLimit = configuration.roleMaxSessionDuration {
            guard let limit = roleLimit(claims.principal), lifetime <= limit.timeInterval else { throw invalid }
        }
        guard claims.expiration > now else {
            throw SigV4Error.expiredToken("the security token included in the request is expired")
        }
    }
}
