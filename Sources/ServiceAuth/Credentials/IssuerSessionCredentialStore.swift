public import Foundation
import HTTPTypes

/// Accepts the local issuer's temporary credentials without calling the issuer per request.
///
/// The issuer's `AssumeRole` seals the temporary credentials into their own session token
/// (``SessionTokenSealer``). Holding the same key, this store opens the request's
/// `X-Amz-Security-Token`, checks that the sealed access key id is the one the request was
/// signed with, checks the expiry, and hands the sealed secret to the verifier. A token that
/// does not open is `InvalidClientTokenId`; an expired one is `ExpiredToken`.
public struct IssuerSessionCredentialStore: CredentialStore {
    /// Errors obtaining the issuer's key.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong (never the key).
        public var reason: String
        /// A readable description.
        public var description: String { reason }
    }

    /// The path under the issuer's base URL that serves the sealing key.
    public static let keyPath = "/local/sts-session-key"

    private let sealer: SessionTokenSealer
    private let now: @Sendable () -> Date

    /// Creates a store from the issuer's sealer.
    ///
    /// - Parameters:
    ///   - sealer: A sealer with the issuer's key.
    ///   - now: The clock for expiry checks.
    public init(sealer: SessionTokenSealer, now: @escaping @Sendable () -> Date = { Date() }) {
        self.sealer = sealer
        self.now = now
    }

    /// Creates a store from the key's text: the base64 key itself or the issuer's JSON
    /// `{"key":"<base64>"}`.
    ///
    /// - Parameters:
    ///   - keyText: The key text.
    ///   - now: The clock for expiry checks.
    /// - Throws: ``LoadError`` when the text holds no 256-bit key.
    public init(keyText: String, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.init(sealer: try Self.sealer(fromKeyText: keyText), now: now)
    }

    /// Creates a store from `--trust-issuer-sts URL|KEYFILE`.
    ///
    /// - Parameters:
    ///   - source: An `http(s)` URL of the issuer (its base, or the full key URL ending in
    ///     `/local/sts-session-key`), or the path of a file holding the key text.
    ///   - transport: The transport used to fetch the key from a URL.
    ///   - timeout: The deadline of the fetch.
    ///   - now: The clock for expiry checks.
    /// - Returns: The store.
    /// - Throws: ``LoadError`` when the key cannot be obtained.
    public static func load(
        from source: String,
        transport: (any HTTPTransport)?,
        timeout: Duration = .seconds(5),
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> IssuerSessionCredentialStore {
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard let transport else { throw LoadError(reason: "an HTTP transport is needed to fetch \(source)") }
            var url = source
            if !url.hasSuffix(keyPath) {
                while url.hasSuffix("/") { url.removeLast() }
                url += keyPath
            }
            guard let request = HTTPRequest(method: .get, urlString: url) else {
                throw LoadError(reason: "invalid issuer URL \(source)")
            }
            let response: HTTPResponse
            let body: [UInt8]
            do {
                (response, body) = try await transport.send(request, body: nil, timeout: timeout, maxResponseBytes: 4096)
            } catch {
                throw LoadError(reason: "cannot fetch the issuer's session key from \(url): \(error)")
            }
            guard response.status == .ok else {
                throw LoadError(reason: "the issuer answered \(response.status.code) for \(url)")
            }
            return IssuerSessionCredentialStore(sealer: try sealer(fromKeyText: String(decoding: body, as: UTF8.self)), now: now)
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            throw LoadError(reason: "cannot read the issuer key file \(source)")
        }
        return IssuerSessionCredentialStore(sealer: try sealer(fromKeyText: String(decoding: data, as: UTF8.self)), now: now)
    }

    /// Parses the base64 key or the JSON `{"key":"<base64>"}`.
    static func sealer(fromKeyText text: String) throws -> SessionTokenSealer {
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
        guard JSONFileCredentialStore.constantTimeEqual(claims.accessKeyId, accessKeyId) else {
            throw SigV4Error.invalidClientTokenId("the security token does not belong to the access key id")
        }
        guard claims.expiration > now() else {
            throw SigV4Error.expiredToken("the security token included in the request is expired")
        }
        return StoredCredential(
            secretAccessKey: claims.secretAccessKey,
            principal: claims.principal,
            expiration: claims.expiration
        )
    }
}
