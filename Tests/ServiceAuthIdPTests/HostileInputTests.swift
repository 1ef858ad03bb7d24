import Foundation
import HTTPTypes
import Testing
@testable import ServiceAuthIdP

/// Inputs meant to crash, hang or bloat the issuer get an error in the addressed API's format.
@Suite struct HostileInputTests {
    let issuer: LocalIssuer

    init() throws {
        issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
    }

    @Test(arguments: [
        String(repeating: "[", count: 60_000),
        String(repeating: #"{"a":"#, count: 10_000),
        #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"\#(String(repeating: "a", count: 60_000))","PASSWORD":"x"}}"#,
        #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"\u0000web"}"#,
        "\u{FEFF}{}",
    ])
    func cognitoAPISurvivesHostileJSON(body: String) async throws {
        let (response, text) = try await send(issuer, .post, "/", headers: cognitoHeaders(), body: body)
        #expect(response.status == .badRequest || response.status == .contentTooLarge)
        #expect(jsonObject(text)["__type"] is String)
    }

    @Test(arguments: [
        String(repeating: "a=1&", count: 65),
        String(repeating: "%", count: 1000),
        "grant_type=client_credentials&" + String(repeating: "%FF", count: 100),
        String(repeating: "&", count: 10_000),
        "=x",
    ])
    func oauthEndpointSurvivesHostileForms(body: String) async throws {
        let (response, text) = try await send(issuer, .post, "/oauth2/token", headers: formHeaders(basic: ("gateway", "gateway-secret")), body: body)
        #expect(response.status == .badRequest)
        #expect(jsonObject(text)["error"] as? String == "invalid_request")
    }

    @Test func formDecoding() throws {
        let fields = try #require(FormFields(encoded: Array("a=1+2&b=%2F%C3%A9&c&d=".utf8)))
        #expect(fields["a"] == "1 2")
        #expect(fields["b"] == "/é")
        #expect(fields["c"] == "")
        #expect(fields["d"] == "")
        #expect(fields.repeatedNames.isEmpty)
        #expect(FormFields(encoded: Array("a=%4".utf8)) == nil)
        #expect(FormFields(encoded: Array("a=%C3%28".utf8)) == nil)
        #expect(FormFields(encoded: Array("a=1&a=2".utf8))?.repeatedNames == ["a"])
    }

    @Test func basicCredentialsAreFormDecoded() {
        let header = "Basic " + Data("my%20client:s%3Acret".utf8).base64EncodedString()
        let parsed = LocalIssuer.parseBasic(header)
        #expect(parsed?.0 == "my client")
        #expect(parsed?.1 == "s:cret")
        #expect(LocalIssuer.parseBasic("Basic " + String(repeating: "A", count: 5000)) == nil)
        #expect(LocalIssuer.parseBasic("Basic") == nil)
    }

    @Test func headIsAnsweredLikeGet() async throws {
        #expect(try await send(issuer, .head, "/healthz").0.status == .ok)
    }
}
