import Foundation
import HTTPTypes
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT

@Suite("Certificate-bound tokens (RFC 8705 cnf.x5t#S256)")
struct CertificateBoundTokenTests {
    static let gatewayThumbprint = TestWorkloads.gateway.thumbprintSHA256

    static func boundToken(to thumbprint: String = gatewayThumbprint, _ overrides: [String: JSONValue] = [:]) -> String {
        Mint.rs256(Fixture.claims(["cnf": ["x5t#S256": .string(thumbprint)]].merging(overrides) { _, new in new }))
    }

    @Test("the verifier reads cnf.x5t#S256 into the token and its identity")
    func verifierReadsTheThumbprint() async throws {
        let verified = try await Fixture.verifier().verify(Self.boundToken())
        #expect(verified.boundCertificateThumbprint == Self.gatewayThumbprint)
        #expect(verified.identity.boundCertificateThumbprint == Self.gatewayThumbprint)
        #expect(try await Fixture.verifier().verify(Mint.rs256(Fixture.claims())).boundCertificateThumbprint == nil)
    }

    @Test(arguments: [
        "\"abc\"", "5", "[]", "null", "{}", #"{"x5t#S256":""}"#, #"{"x5t#S256":5}"#, #"{"x5t#S256":["a"]}"#,
        #"{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}"#, #"{"x5t#S256":"abc","jkt":"def"}"#,
    ])
    func malformedConfirmationIsRefused(cnf: String) async throws {
        let value = try JSONValue.parse(Array(cnf.utf8))
        let token = Mint.rs256(Fixture.claims(["cnf": value]))
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "malformed")
    }

    @Test("a bound token over a connection with that certificate passes; another certificate or none is certificate_mismatch")
    func bindingIsChecked() async throws {
        let security = RouteSecurity([BearerTokenAuthenticator(verifier: Fixture.verifier())])
        let headers = bearerHeader(Self.boundToken())
        let (ok, auth) = try await runSecured(security, peer: TestWorkloads.gateway, headers: headers)
        #expect(ok.status == .ok)
        #expect(auth?.caller?.boundCertificateThumbprint == Self.gatewayThumbprint)

        for peer in [TestWorkloads.orders, nil] as [PeerCertificate?] {
            let (response, _) = try await runSecured(security, peer: peer, headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.headerFields[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
            #expect(await failureCode(security, peer: peer, headers: headers) == "certificate_mismatch")
        }
        // An unbound token needs no certificate.
        #expect(await failureCode(security, peer: nil, headers: bearerHeader(Mint.rs256(Fixture.claims()))) == nil)
    }

    @Test("a verification served from the verified-token cache is checked against the connection too")
    func cachedVerificationIsStillBound() async throws {
        let cache = VerifiedTokenCache()
        let clock = TestClock()
        let verifier = Fixture.verifier(clock: clock, cache: cache)
        let security = RouteSecurity([BearerTokenAuthenticator(verifier: verifier)])
        let headers = bearerHeader(Self.boundToken())
        #expect(await failureCode(security, peer: TestWorkloads.gateway, headers: headers) == nil)
        #expect(cache.count == 1, "the first request cached the verification")
        #expect(await failureCode(security, peer: nil, headers: headers) == "certificate_mismatch")
        #expect(await failureCode(security, peer: TestWorkloads.orders, headers: headers) == "certificate_mismatch")
        #expect(await failureCode(security, peer: TestWorkloads.gateway, headers: headers) == nil)
    }

    @Test("a bound propagated user token: accepted from a hop proved by its certificate, refused from a plain bearer hop")
    func propagatedBoundUserToken() async throws {
        let users = Fixture.verifier()
        let services = FixedTokenVerifier(["svc": Identity(kind: .service, clientId: "gateway")])
        var headers = bearerHeader("svc")
        headers[UserTokenPropagationMiddleware.defaultHeaderName] = "Bearer \(Self.boundToken())"
        let bearerHop = RouteSecurity([
            MutualTLSAuthenticator(), BearerTokenAuthenticator(verifier: services), PropagatedUserAuthenticator(verifier: users),
        ])
        // The gateway's service token alone could be replayed by whoever stole both tokens.
        #expect(await failureCode(bearerHop, peer: nil, headers: headers) == "certificate_mismatch")
        // Over the gateway's own mTLS connection the user is accepted (the binding was checked
        // where the user presented the token; this hop cannot be replayed).
        let (ok, auth) = try await runSecured(bearerHop, peer: TestWorkloads.gateway, headers: headers)
        #expect(ok.status == .ok)
        #expect(auth?.user?.username == "alice")
        // An mTLS-only hop forwards the user too: the workload is the proved caller.
        var userOnly = HTTPFields()
        userOnly[UserTokenPropagationMiddleware.defaultHeaderName] = "Bearer \(Self.boundToken())"
        let mtlsHop = RouteSecurity([MutualTLSAuthenticator(), PropagatedUserAuthenticator(verifier: users)])
        let (forwarded, forwardedAuth) = try await runSecured(mtlsHop, peer: TestWorkloads.orders, headers: userOnly)
        #expect(forwarded.status == .ok)
        #expect(forwardedAuth?.caller?.kind == .workload)
        #expect(forwardedAuth?.user?.username == "alice")
        // An unbound user token from a plain bearer hop keeps working.
        var unbound = bearerHeader("svc")
        unbound[UserTokenPropagationMiddleware.defaultHeaderName] = "Bearer \(Mint.rs256(Fixture.claims()))"
        #expect(await failureCode(bearerHop, peer: nil, headers: unbound) == nil)
    }
}
