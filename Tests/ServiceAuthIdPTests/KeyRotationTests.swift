import Foundation
import ServiceAuth
import Testing
@testable import ServiceAuthIdP

@Suite struct KeyRotationTests {
    @Test func oldKeyStaysPublishedUntilItsTokensExpire() async throws {
        let clock = TestClock()
        let issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test", adminToken: AdminRoutesTests.token, now: clock.closure), signingKey: TestSigningKey.shared)
        let oldKid = issuer.activeKeyID
        let (_, before) = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")), body: "grant_type=client_credentials")
        #expect(jwtParts(jsonObject(before)["access_token"] as? String ?? "").header["kid"] as? String == oldKid)

        let (response, body) = try await send(issuer, .post, "/local/rotate-keys", headers: AdminRoutesTests.authorization())
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
        let issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
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

/// The published JWKS stays bounded however often the key is rotated: a verifier's JWKS size
/// and key-count limits can never be exceeded (that would make every verifier answer
/// `jwks_unavailable`).
@Suite struct KeyRotationBoundTests {
    @Test func repeatedRotationsKeepTheJWKSBounded() async throws {
        let issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
        var kids: [String] = [issuer.activeKeyID]
        for _ in 0..<12 { kids.append(try issuer.rotateKeys()) }
        let (_, body) = try await send(issuer, .get, "/us-east-1_LOCAL/.well-known/jwks.json")
        let published = (jsonObject(body)["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
        #expect(published.count <= 4)
        // Newest first: the active key, then the most recently retired ones.
        #expect(published == Array(kids.reversed().prefix(published.count)))
    }

    @Test func fiveHundredRotationsStayWellUnderTheVerifiersLimits() throws {
        let signers = try (0..<3).map { _ in try SigningKeyRing.generateKey() }
        var ring = SigningKeyRing(active: signers[0])
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 1...500 { ring.rotate(to: signers[index % signers.count], retireOldUntil: now.addingTimeInterval(3900)) }
        let published = ring.publishedKeys(now: now)
        #expect(published.count <= 4)
        let document = try JSONSerialization.data(withJSONObject: ["keys": published.map(\.publicJWK)])
        let limits = JWKSCache.Configuration(source: .jwksURI(URL(string: "http://idp.test/jwks.json")!))
        #expect(document.count * 8 < limits.maxResponseBytes)
        #expect(published.count * 8 < limits.maxKeys)
    }
}
