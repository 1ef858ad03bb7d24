import Foundation
import HTTPTypes
import SampleServices
import ServiceAuth
import ServiceAuthHTTP
import Testing

/// `inventory --trust-issuer-sts KEYFILE`: the local issuer's sealed sessions are accepted only
/// within their lifetime rules, whoever holds the key.
@Suite("inventory trusts the issuer's sessions from its key file")
struct InventoryIssuerTrustTests {
    /// Starts inventory trusting `sealer`'s sessions (key file mode 0600), runs `body` with its URL.
    func withInventory(trusting sealer: SessionTokenSealer, _ body: (String) async throws -> Void) async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-key-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: keyFile, contents: Data(sealer.exportedKey.utf8), attributes: [.posixPermissions: 0o600]))
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        var options = try SampleOptions.parse([])
        options.trustIssuerSts = keyFile
        let inventory = try await InventoryService.make(options)
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            group.addTask { try await inventory.run() }
            let port = try await inventory.port()
            try await inventory.becomeReady(retryDelay: .milliseconds(50))
            try await body("http://127.0.0.1:\(port)")
        }
    }

    func session(_ sealer: SessionTokenSealer, lifetime: TimeInterval, role: String = "orders") throws -> AWSCredentials {
        let now = Date()
        let claims = SessionTokenClaims(
            accessKeyId: "ASIAMINTEDSESSION001", secretAccessKey: "minted-secret-access-key",
            principal: "arn:aws:sts::123456789012:assumed-role/\(role)/x",
            issuedAt: now, expiration: now.addingTimeInterval(lifetime)
        )
        return AWSCredentials(accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: try sealer.seal(claims))
    }

    func call(_ baseURL: String, with credentials: AWSCredentials) async throws -> (Int, String) {
        let url = try #require(URL(string: baseURL))
        let request = HTTPRequest(method: .get, scheme: "http", authority: "\(url.host ?? ""):\(url.port ?? 0)", path: "/items/42")
        let signed = SigV4Signer(region: "us-east-1", service: "execute-api").sign(request, credentials: credentials)
        let (response, body) = try await ServiceHTTPClient().get("\(baseURL)/items/42", headerFields: signed.request.headerFields)
        return (response.status.code, String(decoding: body, as: UTF8.self))
    }

    @Test("a session within 12 h is accepted; a 13 h one, validly sealed, is refused")
    func overlongSessionIsRefused() async throws {
        let sealer = SessionTokenSealer.random()
        try await withInventory(trusting: sealer) { baseURL in
            let (okStatus, okBody) = try await call(baseURL, with: try session(sealer, lifetime: 3600))
            #expect(okStatus == 200, "\(okBody)")
            let (status, body) = try await call(baseURL, with: try session(sealer, lifetime: 13 * 3600))
            #expect(status == 401)
            #expect(body.contains("InvalidClientTokenId"))
        }
    }
}
