import Foundation
import Testing
@testable import ServiceAuthIdP

@Suite struct KeyRotationTests {
    @Test func oldKeyStaysPublishedUntilItsTokensExpire() async throws {
        let clock = TestClock()
        let issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test", now: clock.closure))
        let oldKid = issuer.activeKeyID
        let (_, before) = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")), body: "grant_type=client_credentials")
        #expect(jwtParts(jsonObject(before)["access_token"] as? String ?? "").header["kid"] as? String == oldKid)

        let (response, body) = try await send(issuer, .post, "/local/rotate-keys")
        #expect(response.status == .ok)
        let newKid = try #require(jsonObject(body)["kid"] as? String)
        #expect(newKid != oldKid && newKid == issuer.activeKeyID)

        let (_, after) = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")), body: "grant_type=client_credentials")
        #expect(jwtParts(jsonObject(after)["access_token"] as? String ?? "").header["kid"] as? String == newKid)

        func publishedKids() async throws -> [String] {
            let (_, jwks) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/jwks.json")
            return (jsonObject(jwks)["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
        }
        #expect(try await publishedKids() == [newKid, oldKid])
        // Tokens live 3600 s; the old key is kept for that plus 300 s of skew.
        clock.advance(3899)
        #expect(try await publishedKids() == [newKid, oldKid])
        clock.advance(2)
        #expect(try await publishedKids() == [newKid])
    }

    @Test func jwksPublishesRSAPublicKeysOnly() async throws {
        let issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test"))
        let (response, body) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/jwks.json")
        #expect(response.status == .ok)
        let keys = jsonObject(body)["keys"] as? [[String: Any]] ?? []
        #expect(keys.count == 1)
        #expect(keys.first?["kty"] as? String == "RSA")
        #expect(keys.first?["alg"] as? String == "RS256")
        #expect(keys.first?["use"] as? String == "sig")
        #expect(keys.first?["d"] == nil && keys.first?["p"] == nil)
    }
}
