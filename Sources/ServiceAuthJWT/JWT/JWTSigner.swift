public import Crypto
public import _CryptoExtras
import Foundation
import ServiceAuthCore

/// Signs JWTs (compact JWS, RFC 7515) with an asymmetric private key, and publishes the
/// matching public key as a JWK (RFC 7517).
///
/// The local issuer signs its tokens with it; tests and benchmarks use it to mint tokens.
/// Services that only verify never need it.
public struct JWTSigner: Sendable {
    /// The signing key.
    public enum Key: Sendable {
        /// RSASSA-PKCS1-v1_5 with SHA-256 (`RS256`).
        case rs256(_RSA.Signing.PrivateKey)
        /// ECDSA P-256 with SHA-256 (`ES256`).
        case es256(P256.Signing.PrivateKey)
    }

    /// The signing key.
    public let key: Key
    /// The key id written in each token's header and in the JWK.
    public let keyID: String

    /// Creates a signer.
    public init(key: Key, keyID: String) {
        self.key = key
        self.keyID = keyID
    }

    /// Creates a signer with a new random RSA-2048 key.
    public static func generateRS256(keyID: String) throws -> JWTSigner {
        JWTSigner(key: .rs256(try _RSA.Signing.PrivateKey(keySize: .bits2048)), keyID: keyID)
    }

    /// The JOSE `alg` of the key.
    public var algorithm: String {
        switch key {
        case .rs256: "RS256"
        case .es256: "ES256"
        }
    }

    /// Signs `claims` (any JSON object) into a compact JWS.
    ///
    /// - Parameters:
    ///   - claims: The payload; encoded with `JSONEncoder`.
    ///   - extraHeader: Header parameters beside `alg`, `kid` and `typ` (e.g. `typ` override).
    /// - Returns: `header.payload.signature`.
    /// - Throws: Encoding or signing errors.
    public func sign(_ claims: some Encodable, extraHeader: [String: String] = [:]) throws -> String {
        var header = ["alg": algorithm, "kid": keyID, "typ": "JWT"]
        header.merge(extraHeader) { _, new in new }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput = Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(try encoder.encode(claims))
        let data = Data(signingInput.utf8)
        let signature: [UInt8]
        switch key {
        case .rs256(let privateKey):
            signature = Array(try privateKey.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .es256(let privateKey):
            signature = Array(try privateKey.signature(for: data).rawRepresentation)
        }
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The public key as a JWK object (`kty`, `kid`, `use`, `alg` and the key parameters).
    public var publicJWK: [String: String] {
        switch key {
        case .rs256(let privateKey):
            let components = try? privateKey.publicKey.getKeyPrimitives()
            return [
                "kty": "RSA", "kid": keyID, "use": "sig", "alg": "RS256",
                "n": Base64URL.encode(components?.modulus ?? Data()),
                "e": Base64URL.encode(components?.publicExponent ?? Data()),
            ]
        case .es256(let privateKey):
            let raw = privateKey.publicKey.rawRepresentation
            return [
                "kty": "EC", "kid": keyID, "use": "sig", "alg": "ES256", "crv": "P-256",
                "x": Base64URL.encode(raw.prefix(32)), "y": Base64URL.encode(raw.suffix(32)),
            ]
        }
    }
}
