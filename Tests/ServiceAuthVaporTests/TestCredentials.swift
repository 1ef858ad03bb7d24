import Foundation
import HTTPTypes
import ServiceAuth

/// A local issuer of test JWTs: an ES256 key, a JWKS served without any network, and a
/// verifier that trusts it.
enum TestTokens {
    static let issuer = "https://issuer.test/pool"
    static let signer = JWTSigner(key: .es256(.init()), keyID: "adapter-test-key")

    /// The JWT claims the tests mint.
    struct Claims: Encodable {
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
    static func service(scopes: String...) -> String {
        try! signer.sign(Claims(sub: "svc-gateway", scope: scopes.joined(separator: " ")))
    }

    /// A user's access token.
    static func user(_ username: String, scopes: String..., groups: [String] = []) -> String {
        try! signer.sign(Claims(sub: "user-\(username)", scope: scopes.joined(separator: " "), username: username, groups: groups))
    }

    /// A token signed by a key the verifier does not know under the same key id.
    static func forged() -> String {
        try! JWTSigner(key: .es256(.init()), keyID: signer.keyID).sign(Claims(sub: "mallory", scope: "orders/read"))
    }

    /// Serves the issuer's JWKS from memory.
    struct JWKSTransport: HTTPTransport {
        func send(_ request: HTTPRequest, body: [UInt8]?, timeout: Duration, maxResponseBytes: Int) async throws -> (HTTPResponse, [UInt8]) {
            let document = try JSONSerialization.data(withJSONObject: ["keys": [TestTokens.signer.publicJWK]])
            return (HTTPResponse(status: .ok), Array(document))
        }
    }

    /// Verifies the issuer's tokens.
    static let verifier = JWTVerifier(
        configuration: .init(issuers: [issuer], audience: .anyAudience, tokenUse: .access),
        transport: JWKSTransport()
    )
}

/// SigV4 callers and a verifier that knows them.
enum TestSigV4 {
    static let region = "us-east-1"
    static let service = "execute-api"
    static let reportsRole = "arn:aws:iam::123456789012:role/reports"
    static let writerRole = "arn:aws:iam::123456789012:role/writer"
    static let otherRole = "arn:aws:iam::123456789012:role/other"

    static let reports = AWSCredentials(accessKeyId: "AKIDREPORTS", secretAccessKey: "reports-secret")
    static let writer = AWSCredentials(accessKeyId: "AKIDWRITER", secretAccessKey: "writer-secret")
    static let other = AWSCredentials(accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret")

    /// Knows the three test keys.
    struct Store: CredentialStore {
        func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
            switch accessKeyId {
            case reports.accessKeyId: StoredCredential(secretAccessKey: reports.secretAccessKey, principal: reportsRole)
            case writer.accessKeyId: StoredCredential(secretAccessKey: writer.secretAccessKey, principal: writerRole)
            case other.accessKeyId: StoredCredential(secretAccessKey: other.secretAccessKey, principal: otherRole)
            default: nil
            }
        }
    }

    /// Accepts signatures for `localhost` and `127.0.0.1` on any port.
    static let verifier = SigV4Verifier(
        configuration: .init(region: region, service: service, acceptedHosts: .names(["localhost", "127.0.0.1"])),
        credentialStore: Store()
    )

    /// The header fields that sign `method path` with `body` for `authority` (the `Host` the
    /// client will send).
    static func signedFields(
        _ method: HTTPRequest.Method, _ path: String, body: [UInt8] = [], as credentials: AWSCredentials, authority: String = "localhost"
    ) -> HTTPFields {
        let request = HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: [:])
        return SigV4Signer(region: region, service: service).sign(request, body: body, credentials: credentials).request.headerFields
    }
}
