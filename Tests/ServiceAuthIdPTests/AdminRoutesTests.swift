import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Testing
@testable import ServiceAuthIdP

/// `/local/*`: no route serves key material or changes state without authentication
/// (CONTRACT.md). Without an admin token the routes do not exist at all.
@Suite struct AdminRoutesTests {
    /// The admin token the tests configure.
    static let token = "test-admin-token-0123456789"

    /// `Authorization: Bearer <token>`.
    static func authorization(_ token: String = token) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        return fields
    }

    @Test func localRoutesDoNotExistWithoutAnAdminToken() async throws {
        let issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
        let kid = issuer.activeKeyID
        for (method, path) in [(HTTPRequest.Method.get, "/local/sts-session-key"), (.post, "/local/rotate-keys"), (.get, "/local/nowhere")] {
            let (response, body) = try await send(issuer, method, path, headers: Self.authorization())
            #expect(response.status == .notFound, "\(method) \(path)")
            #expect(!body.contains(issuer.exportedSessionKey))
        }
        #expect(issuer.activeKeyID == kid)
    }

    /// Over loopback, with the package's own client: every request without the exact token is
    /// the same 401, whatever its path or method, and changes nothing.
    @Test func adminRoutesRequireTheBearerToken() async throws {
        let issuer = try LocalIssuer(options: .init(adminToken: Self.token), signingKey: TestSigningKey.shared)
        try await withTestServer(router: issuer.router()) { baseURL in
            let client = ServiceHTTPClient()
            let kid = issuer.activeKeyID
            let refused: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/local/rotate-keys", nil),
                (.get, "/local/sts-session-key", nil),
                (.get, "/local/nowhere", nil),
                (.post, "/local/rotate-keys", "Bearer " + Self.token.dropLast()),
                (.post, "/local/rotate-keys", "Bearer \(Self.token)x"),
                (.get, "/local/sts-session-key", "Basic " + Data("admin:\(Self.token)".utf8).base64EncodedString()),
                (.get, "/local/sts-session-key", "Bearer"),
                (.get, "/local/sts-session-key", Self.token),
            ]
            for (method, path, authorization) in refused {
                var request = try #require(HTTPRequest(method: method, urlString: baseURL + path))
                if let authorization { request.headerFields[.authorization] = authorization }
                let (response, body) = try await client.send(request)
                #expect(response.status == .unauthorized, "\(method) \(path) \(authorization ?? "-")")
                #expect(response.headerFields[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                let code = try JSONDecoder().decode([String: String].self, from: Data(body))["error"]
                #expect(code == "missing_token" || code == "invalid_token", "\(method) \(path)")
            }
            #expect(issuer.activeKeyID == kid)

            var rotate = try #require(HTTPRequest(method: .post, urlString: baseURL + "/local/rotate-keys"))
            rotate.headerFields = Self.authorization()
            let (rotated, rotatedBody) = try await client.send(rotate)
            #expect(rotated.status == .ok)
            #expect(jsonObject(String(decoding: rotatedBody, as: UTF8.self))["kid"] as? String == issuer.activeKeyID)
            #expect(issuer.activeKeyID != kid)

            var read = try #require(HTTPRequest(method: .get, urlString: baseURL + "/local/sts-session-key"))
            read.headerFields[.authorization] = "bearer \(Self.token)"
            let (keyResponse, keyBody) = try await client.send(read)
            #expect(keyResponse.status == .ok)
            #expect(keyResponse.headerFields[.cacheControl] == "no-store")
            #expect(jsonObject(String(decoding: keyBody, as: UTF8.self))["key"] as? String == issuer.exportedSessionKey)
        }
    }

    @Test(arguments: ["", "short", "fifteen-chars-x", "has a space in it!!", "no-quotes-\"-0123456789"])
    func weakAdminTokensAreRefused(token: String) {
        #expect(throws: IdPConfigurationError.self) { try LocalIssuer(options: .init(adminToken: token)) }
    }
}
