import Foundation
import HTTPTypes
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT

@Suite("Identity from the connection: MutualTLSAuthenticator, RouteSecurity, .workloads")
struct MutualTLSTests {
    static let serviceToken = Identity(kind: .service, subject: "gateway", clientId: "gateway", scopes: ["orders/invoke"])
    static let tokens = FixedTokenVerifier(["svc": serviceToken, "svc-noscope": Identity(kind: .service, clientId: "gateway")])

    @Test("an mTLS-only route: the workload becomes the caller, named by its SPIFFE ID")
    func workloadBecomesTheCaller() async throws {
        let (response, auth) = try await runSecured(RouteSecurity([MutualTLSAuthenticator()]), peer: TestWorkloads.gateway)
        #expect(response.status == .ok)
        let caller = try #require(auth?.caller)
        #expect(caller.kind == .workload)
        #expect(caller.principal == "spiffe://demo.local/ns/demo/sa/gateway")
        #expect(caller.expiresAt == TestWorkloads.gateway.notValidAfter)
        #expect(auth?.workload == caller)
        #expect(auth?.isAuthenticated == true)
        #expect(auth?.summary == "workload spiffe://demo.local/ns/demo/sa/gateway")
    }

    @Test("no client certificate: 401 missing_client_certificate, no Bearer challenge unless the route takes tokens")
    func noCertificateIs401() async throws {
        let (alone, _) = try await runSecured(RouteSecurity([MutualTLSAuthenticator()]), peer: nil)
        #expect(alone.status == .unauthorized)
        #expect(alone.headerFields[values: .wwwAuthenticate].isEmpty)
        #expect(await failureCode(RouteSecurity([MutualTLSAuthenticator()]), peer: nil) == "missing_client_certificate")

        let mixed = RouteSecurity([MutualTLSAuthenticator(), BearerTokenAuthenticator(verifier: Self.tokens)])
        let (response, _) = try await runSecured(mixed, peer: nil)
        #expect(response.status == .unauthorized)
        #expect(response.headerFields[values: .wwwAuthenticate] == ["Bearer"])
        #expect(await failureCode(mixed, peer: nil) == "missing_client_certificate")
    }

    @Test("a certificate past notValidAfter on a long-lived connection: 401 client_certificate_expired")
    func expiredCertificate() async throws {
        #expect(await failureCode(RouteSecurity([MutualTLSAuthenticator()]), peer: TestWorkloads.expired) == "client_certificate_expired")
        // The clock decides: the same certificate a day earlier is fine.
        let yesterday = MutualTLSAuthenticator(now: { Date().addingTimeInterval(-86400) })
        #expect(await failureCode(RouteSecurity([yesterday]), peer: TestWorkloads.expired) == nil)
    }

    @Test("a token over mTLS stays the caller; the certificate is the workload, not a second caller")
    func tokenStaysTheCaller() async throws {
        let security = RouteSecurity([MutualTLSAuthenticator(), BearerTokenAuthenticator(verifier: Self.tokens)])
        let (response, auth) = try await runSecured(security, peer: TestWorkloads.gateway, headers: bearerHeader("svc"))
        #expect(response.status == .ok)
        #expect(auth?.caller == Self.serviceToken)
        #expect(auth?.workload?.principal == "spiffe://demo.local/ns/demo/sa/gateway")
        // Two bearer credentials remain ambiguous.
        var two = bearerHeader("svc")
        two.append(HTTPField(name: .authorization, value: "Bearer svc"))
        #expect(await failureCode(security, peer: TestWorkloads.gateway, headers: two) == "malformed")
    }

    @Test("policy .workloads: a matching SPIFFE ID passes, another is 403 workload_not_allowed, none is 401")
    func workloadPolicy() async throws {
        let security = RouteSecurity(
            [MutualTLSAuthenticator(), BearerTokenAuthenticator(verifier: Self.tokens)],
            policy: .workloads("spiffe://demo.local/ns/*/sa/gateway"))
        #expect(await failureCode(security, peer: TestWorkloads.gateway) == nil)
        #expect(await failureCode(security, peer: TestWorkloads.prodGateway) == nil)
        let (denied, _) = try await runSecured(security, peer: TestWorkloads.orders)
        #expect(denied.status == .forbidden)
        #expect(await failureCode(security, peer: TestWorkloads.orders) == "workload_not_allowed")
        #expect(await failureCode(security, peer: TestWorkloads.foreignGateway) == "workload_not_allowed")
        // A token but no certificate: the credential the rule needs is missing, 401.
        let (missing, _) = try await runSecured(security, peer: nil, headers: bearerHeader("svc"))
        #expect(missing.status == .unauthorized)
        #expect(await failureCode(security, peer: nil, headers: bearerHeader("svc")) == "missing_client_certificate")
        // Nothing at all: the route's 401.
        #expect(await failureCode(security, peer: nil) == "missing_client_certificate")
    }

    @Test("combined with token rules: the gateway's machine AND a token with the scope")
    func workloadAndScope() async throws {
        let security = RouteSecurity(
            [MutualTLSAuthenticator(), BearerTokenAuthenticator(verifier: Self.tokens)],
            policy: .workloads("spiffe://demo.local/ns/demo/sa/gateway") && .scopes("orders/invoke"))
        #expect(await failureCode(security, peer: TestWorkloads.gateway, headers: bearerHeader("svc")) == nil)
        #expect(await failureCode(security, peer: TestWorkloads.gateway, headers: bearerHeader("svc-noscope")) == "missing_scope")
        #expect(await failureCode(security, peer: TestWorkloads.orders, headers: bearerHeader("svc")) == "workload_not_allowed")
        // The certificate alone does not satisfy the token's rule.
        #expect(await failureCode(security, peer: TestWorkloads.gateway) == "missing_scope")
    }

    @Test("the identity chain is believed from a workload caller")
    func chainFromAWorkload() async throws {
        var headers = HTTPFields()
        headers[IdentityChain.headerName] = "gateway"
        let security = RouteSecurity([MutualTLSAuthenticator(), IdentityChainAuthenticator()])
        let (_, auth) = try await runSecured(security, peer: TestWorkloads.gateway, headers: headers)
        #expect(auth?.chain == ["gateway"])
    }
}

@Suite("SPIFFE ID patterns")
struct SPIFFEIDPatternTests {
    @Test(arguments: [
        ("spiffe://demo.local/ns/demo/sa/gateway", "spiffe://demo.local/ns/demo/sa/gateway", true),
        ("spiffe://demo.local/ns/demo/sa/gateway", "spiffe://demo.local/ns/demo/sa/orders", false),
        ("spiffe://demo.local/ns/*/sa/gateway", "spiffe://demo.local/ns/prod/sa/gateway", true),
        ("spiffe://demo.local/ns/*/sa/gateway", "spiffe://demo.local/ns/a/b/sa/gateway", false),
        ("spiffe://demo.local/ns/*/sa/gateway", "spiffe://evil.local/ns/prod/sa/gateway", false),
        ("spiffe://demo.local/ns/demo/sa/gateway-*", "spiffe://demo.local/ns/demo/sa/gateway-canary", true),
        ("spiffe://demo.local/ns/demo/sa/gateway-*", "spiffe://demo.local/ns/demo/sa/orders-canary", false),
        ("spiffe://demo.local/ns/prod/**", "spiffe://demo.local/ns/prod/sa/orders", true),
        ("spiffe://demo.local/ns/prod/**", "spiffe://demo.local/ns/prod", true),
        ("spiffe://demo.local/ns/prod/**", "spiffe://demo.local/ns/production/sa/orders", false),
        ("spiffe://DEMO.local/ns/demo/sa/gateway", "spiffe://demo.local/ns/demo/sa/gateway", true),
        ("spiffe://demo.local/ns/demo/sa/gateway", "spiffe://demo.local/ns/demo/sa/Gateway", false),
        // A suffix or prefix is not a match.
        ("spiffe://demo.local/ns/demo/sa/gateway", "spiffe://demo.local/ns/demo/sa/gateway/x", false),
        ("spiffe://demo.local/ns/demo/sa/gateway", "spiffe://demo.local.evil/ns/demo/sa/gateway", false),
        // IDs the SPIFFE specification forbids never match.
        ("spiffe://demo.local/ns/*/sa/gateway", "spiffe://demo.local/ns/../sa/gateway", false),
        ("spiffe://demo.local/ns/prod/**", "spiffe://demo.local/ns/prod/../../x", false),
        ("spiffe://demo.local/ns/*/sa/gateway", "spiffe://demo.local/ns//sa/gateway", false),
        ("spiffe://demo.local/ns/*/sa/gateway", "spiffe://demo.local/ns/a%2Fb/sa/gateway", false),
        ("spiffe://demo.local/ns/demo/sa/gateway", "spiffe://demo.local/ns/demo/sa/gateway?x", false),
        ("spiffe://demo.local/ns/*/sa/gateway", "spiffe://demo.local/ns/*/sa/gateway", false),
        // Invalid patterns match nothing.
        ("spiffe://*/ns/demo/sa/gateway", "spiffe://demo.local/ns/demo/sa/gateway", false),
        ("spiffe://demo.local/**/sa/gateway", "spiffe://demo.local/ns/sa/gateway", false),
        ("https://demo.local/ns/demo/sa/gateway", "https://demo.local/ns/demo/sa/gateway", false),
    ])
    func matching(pattern: String, id: String, expected: Bool) {
        #expect(SPIFFEIDPattern(pattern).matches(id) == expected, "\(pattern) vs \(id)")
    }

    @Test func validity() {
        #expect(SPIFFEIDPattern("spiffe://demo.local/ns/*/sa/**").isValid)
        #expect(!SPIFFEIDPattern("spiffe://demo.*/ns").isValid)
        #expect(!SPIFFEIDPattern("spiffe://demo.local/a/**/b").isValid)
        #expect(!SPIFFEIDPattern("demo.local/ns").isValid)
    }
}
