import Foundation
public import HTTPTypes
public import ServiceAuth

// Shared by the Hummingbird and Vapor adapter tests (test targets cannot import each other).

/// A local issuer of test JWTs: an ES256 key, a JWKS served without any network, and a
/// verifier that trusts it.
public enum TestTokens {
    public static let issuer = "https://issuer.test/pool"
    public static let signer = JWTSigner(key: .es256(.init()), keyID: "adapter-test-key")

    /// The JWT claims the tests mint.
    public struct Claims: Encodable {
        var iss = TestTokens.issuer
        var sub: String
        var client_id = "test-client"
        var token_use = "access"
        var scope: String
        var username: String?
        var groups: [String]?
        var iat = Int(Date().timeIntervalSince1970) - 10
        var exp = Int(Date().timeIntervalSince1970) + 600

        enum CodingKeys: String, CodingKey {
            case iss, sub, client_id, token_use, scope, username, iat, exp
            case groups = "cognito:groups"
        }
    }

    /// A service's client-credentials token.
    public static func service(scopes: String...) -> String {
        try! signer.sign(Claims(sub: "svc-gateway", scope: scopes.joined(separator: " ")))
    }

    /// A user's access token.
    public static func user(_ username: String, scopes: String..., groups: [String] = []) -> String {
        try! signer.sign(Claims(sub: "user-\(username)", scope: scopes.joined(separator: " "), username: username, groups: groups))
    }

    /// A token signed by a key the verifier does not know under the same key id.
    public static func forged() -> String {
        try! JWTSigner(key: .es256(.init()), keyID: signer.keyID).sign(Claims(sub: "mallory", scope: "orders/read"))
    }

    /// Serves the issuer's JWKS from memory.
    public struct JWKSTransport: HTTPTransport {
        public init() {}
        public func send(_ request: HTTPRequest, body: [UInt8]?, timeout: Duration, maxResponseBytes: Int) async throws -> (HTTPResponse, [UInt8]) {
            let document = try JSONSerialization.data(withJSONObject: ["keys": [TestTokens.signer.publicJWK]])
            return (HTTPResponse(status: .ok), Array(document))
        }
    }

    /// Verifies the issuer's tokens.
    public static let verifier = JWTVerifier(
        configuration: .init(issuers: [issuer], audience: .anyAudience, tokenUse: .access),
        transport: JWKSTransport()
    )
}

/// SigV4 callers and a verifier that knows them.
public enum TestSigV4 {
    public static let region = "us-east-1"
    public static let service = "execute-api"
    public static let reportsRole = "arn:aws:iam::123456789012:role/reports"
    public static let writerRole = "arn:aws:iam::123456789012:role/writer"
    public static let otherRole = "arn:aws:iam::123456789012:role/other"

    public static let reports = AWSCredentials(accessKeyId: "AKIDREPORTS", secretAccessKey: "reports-secret")
    public static let writer = AWSCredentials(accessKeyId: "AKIDWRITER", secretAccessKey: "writer-secret")
    public static let other = AWSCredentials(accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret")

    /// Knows the three test keys.
    public struct Store: CredentialStore {
        public init() {}
        public func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
            switch accessKeyId {
            case reports.accessKeyId: StoredCredential(secretAccessKey: reports.secretAccessKey, principal: reportsRole)
            case writer.accessKeyId: StoredCredential(secretAccessKey: writer.secretAccessKey, principal: writerRole)
            case other.accessKeyId: StoredCredential(secretAccessKey: other.secretAccessKey, principal: otherRole)
            default: nil
            }
        }
    }

    /// Accepts signatures for `localhost` and `127.0.0.1` on any port.
    public static let verifier = SigV4Verifier(
        configuration: .init(region: region, service: service, acceptedHosts: .names(["localhost", "127.0.0.1"])),
        credentialStore: Store()
    )

    /// The header fields that sign `method path` with `body` for `authority` (the `Host` the
    /// client will send).
    public static func signedFields(
        _ method: HTTPRequest.Method, _ path: String, body: [UInt8] = [], as credentials: AWSCredentials, authority: String = "localhost"
    ) -> HTTPFields {
        let request = HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: [:])
        return SigV4Signer(region: region, service: service).sign(request, body: body, credentials: credentials).request.headerFields
    }
}
