import Foundation
import ServiceAuth
import Testing

/// A verifier is never built without an audience decision, and resource servers take access
/// tokens unless told otherwise.
@Suite("JWT audience and token-use defaults")
struct JWTAudienceDecisionTests {
    func makeVerifier(_ configuration: JWTVerifier.Configuration, clock: TestClock = TestClock()) -> JWTVerifier {
        JWTVerifier(configuration: configuration, transport: FakeJWKSTransport(), now: clock.closure)
    }

    @Test func anEmptyClientListAcceptsNoToken() async {
        // Fail closed: forgetting to fill in the list must not turn the check off.
        let verifier = makeVerifier(.init(issuers: [Fixture.issuer], audience: .clientIds([])))
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims())) } == "wrong_audience")
        let audiences = makeVerifier(.init(issuers: [Fixture.issuer], audience: .audiences([])))
        #expect(await errorCode { try await audiences.verify(Mint.rs256(Fixture.claims(["aud": "anything"]))) } == "wrong_audience")
    }

    @Test func anyAudienceMustBeSpelledOut() async throws {
        let verifier = makeVerifier(.init(issuers: [Fixture.issuer], audience: .anyAudience))
        let verified = try await verifier.verify(Mint.rs256(Fixture.claims(["client_id": "someone-else"])))
        #expect(verified.clientId == "someone-else")
    }

    @Test func settingAClientListTurnsTheCheckOn() async {
        var configuration = JWTVerifier.Configuration(issuers: [Fixture.issuer], audience: .anyAudience)
        configuration.clientIds = ["mine"]
        let verifier = makeVerifier(configuration)
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(["client_id": "theirs"]))) } == "wrong_audience")
    }

    @Test func resourceServersTakeAccessTokensByDefault() async throws {
        let configuration = JWTVerifier.Configuration(issuers: [Fixture.issuer], audience: .anyAudience)
        #expect(configuration.tokenUse == .access)
        let verifier = makeVerifier(configuration)
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(["token_use": "id"]))) } == "wrong_token_use")
        _ = try await verifier.verify(Mint.rs256(Fixture.claims(["token_use": "access"])))
    }
}
