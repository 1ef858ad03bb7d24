import Crypto
import Foundation
import HTTPTypes
import Testing
import _CryptoExtras

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

@Suite("JWTVerifier")
struct JWTVerifierTests {
    // MARK: Valid tokens

    @Test func validRS256AccessTokenOfAUser() async throws {
        let verifier = Fixture.verifier { $0.clientIds = ["client-a"]; $0.tokenUse = .access }
        let token = Mint.rs256(Fixture.claims())
        let verified = try await verifier.verify(token)
        #expect(verified.subject == "user-sub-1")
        #expect(verified.username == "alice")
        #expect(verified.clientId == "client-a")
        #expect(verified.scopes == ["orders/read", "orders/write"])
        #expect(verified.groups == ["customers"])
        #expect(verified.issuer == Fixture.issuer)
        #expect(verified.tokenUse == "access")
        #expect(verified.keyID == "rsa-1")
        #expect(verified.algorithm == .rs256)
        #expect(verified.expiresAt == Fixture.clock0.addingTimeInterval(3600))
        #expect(verified.token == token)
        #expect(verified.claims["username"] == "alice")
        #expect(verified.identity.kind == .user)
        #expect(verified.identity.username == "alice")
    }

    @Test func clientCredentialsTokenIsAServiceIdentity() async throws {
        let verifier = Fixture.verifier()
        let claims = Fixture.claims(["sub": "client-a"], removing: ["username", "cognito:groups"])
        let identity = try await verifier.verifyIdentity(Mint.rs256(claims))
        #expect(identity.kind == .service)
        #expect(identity.clientId == "client-a")
        #expect(identity.username == nil)
    }

    @Test func idTokenIsAUserIdentityCheckedAgainstAud() async throws {
        let verifier = Fixture.verifier { $0.clientIds = ["client-a"]; $0.tokenUse = .id }
        let claims = Fixture.claims(["token_use": "id", "aud": "client-a", "cognito:username": "bob"],
                                    removing: ["client_id", "username", "scope"])
        let verified = try await verifier.verify(Mint.rs256(claims))
        #expect(verified.identity.kind == .user)
        #expect(verified.username == "bob")
        #expect(verified.clientId == "client-a")
        let other = Fixture.claims(["token_use": "id", "aud": "client-b"], removing: ["client_id"])
        #expect(await errorCode { try await verifier.verify(Mint.rs256(other)) } == "wrong_audience")
    }

    @Test(arguments: ["ES256", "ES384", "ES512", "PS256", "RS384", "RS512", "EdDSA"])
    func everySupportedAlgorithmVerifies(_ alg: String) async throws {
        let key: TestSigningKey
        let kid: String
        switch alg {
        case "ES256": key = .p256(TestKeys.p256); kid = "ec-1"
        case "ES384": key = .p384(TestKeys.p384); kid = "ec-384"
        case "ES512": key = .p521(TestKeys.p521); kid = "ec-521"
        case "PS256": key = .rsa(TestKeys.rsa2, pss: true, hash: 256); kid = "rsa-2"
        case "RS384": key = .rsa(TestKeys.rsa2, pss: false, hash: 384); kid = "rsa-2"
        case "RS512": key = .rsa(TestKeys.rsa2, pss: false, hash: 512); kid = "rsa-2"
        default: key = .ed25519(TestKeys.ed25519); kid = "ed-1"
        }
        let transport = FakeJWKSTransport(TestJWK.set([
            TestJWK.rsa(), TestJWK.rsa(TestKeys.rsa2, kid: "rsa-2", alg: nil), TestJWK.p256(), TestJWK.p384(), TestJWK.p521(), TestJWK.ed25519(),
        ]))
        let verifier = Fixture.verifier({ $0.allowedAlgorithms = Set(JWTAlgorithm.all) }, transport: transport)
        let token = Mint.token(header: ["alg": .string(alg), "kid": .string(kid)], claims: Fixture.claims(), key: key)
        #expect(try await verifier.verify(token).algorithm.rawValue == alg)
        // The same token with one flipped signature bit fails.
        var bytes = Array(token.utf8)
        let index = bytes.count - 3
        bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(await errorCode { try await verifier.verify(String(decoding: bytes, as: UTF8.self)) } == "bad_signature")
    }

    // MARK: Algorithm rules

    @Test(arguments: ["none", "None", "NONE", "nOnE", "", "HS256", "HS384", "HS512", "rs256", "RS1", "ES256K"])
    func unsupportedAlgorithmsAreRejected(_ alg: String) async {
        let verifier = Fixture.verifier()
        // A real signature by the published key: only the alg rule can reject it.
        let token = Mint.token(header: ["alg": .string(alg), "kid": "rsa-1"], claims: Fixture.claims(),
                               key: .rsa(TestKeys.rsa, pss: false, hash: 256))
        #expect(await errorCode { try await verifier.verify(token) } == "unsupported_algorithm")
    }

    @Test(arguments: ["none", "None", "NONE"])
    func unsignedTokenIsAnUnsupportedAlgorithm(_ alg: String) async {
        // `header.payload.` with an empty signature, exactly as RFC 7519 §6.1 writes it.
        let verifier = Fixture.verifier()
        let token = Mint.token(header: ["alg": .string(alg), "kid": "rsa-1"], claims: Fixture.claims(), key: .unsigned)
        #expect(token.hasSuffix("."))
        #expect(await errorCode { try await verifier.verify(token) } == "unsupported_algorithm")
    }

    @Test func emptySignatureOfAnAcceptedAlgorithmIsMalformed() async {
        let verifier = Fixture.verifier()
        let token = Mint.token(header: ["alg": "RS256", "kid": "rsa-1"], claims: Fixture.claims(), key: .unsigned)
        #expect(await errorCode { try await verifier.verify(token) } == "malformed")
    }

    @Test func hmacKeyedWithThePublicKeyIsRejected() async {
        // The classic confusion attack: HS256 "signed" with the RSA public key's bytes.
        let publicDER = TestKeys.rsa.publicKey.derRepresentation
        let token = Mint.token(header: ["alg": "HS256", "kid": "rsa-1"], claims: Fixture.claims(), key: .hmac(SymmetricKey(data: publicDER)))
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "unsupported_algorithm")
    }

    @Test func algorithmOutsideTheAllowListIsRejected() async {
        let verifier = Fixture.verifier { $0.allowedAlgorithms = [.rs256] }
        #expect(await errorCode { try await verifier.verify(Mint.es256(Fixture.claims())) } == "unsupported_algorithm")
    }

    @Test func tokenAlgorithmMustMatchTheKeysAlg() async {
        // The JWK says RS256; a PS256 signature by the same key must not be accepted.
        let verifier = Fixture.verifier { $0.allowedAlgorithms = Set(JWTAlgorithm.all) }
        let token = Mint.token(header: ["alg": "PS256", "kid": "rsa-1"], claims: Fixture.claims(), key: .rsa(TestKeys.rsa, pss: true, hash: 256))
        #expect(await errorCode { try await verifier.verify(token) } == "unsupported_algorithm")
    }

    @Test func tokenAlgorithmMustMatchTheKeyType() async {
        // ES256 header pointing at the RSA key.
        let token = Mint.token(header: ["alg": "ES256", "kid": "rsa-1"], claims: Fixture.claims(), key: .p256(TestKeys.p256))
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "unsupported_algorithm")
    }

    @Test(arguments: [["b64"], ["exp"], [] as [String]])
    func criticalHeaderParametersAreRejected(_ crit: [String]) async {
        let token = Mint.rs256(Fixture.claims(), extraHeader: ["crit": .array(crit.map { .string($0) }), "b64": false])
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "malformed")
    }

    @Test(arguments: ["jwk", "jku", "x5u", "x5c"])
    func keysNamedInsideTheTokenAreNeverUsed(_ parameter: String) async {
        let transport = FakeJWKSTransport()
        let verifier = Fixture.verifier(transport: transport)
        // Signed by the attacker's key, which the header names or embeds.
        let attackerJWK = TestJWK.rsa(TestKeys.attackerRSA, kid: "evil")
        let value: JSONValue = switch parameter {
        case "jwk": attackerJWK
        case "x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]
        default: "https://attacker.example/keys.json"
        }
        let token = Mint.rs256(Fixture.claims(), kid: "evil", extraHeader: [parameter: value], key: TestKeys.attackerRSA)
        #expect(await errorCode { try await verifier.verify(token) } == "unknown_key")
        #expect(transport.requestedURLs.allSatisfy { !$0.contains("attacker") })
        // And with the real kid, the attacker's signature does not verify.
        let spoofed = Mint.rs256(Fixture.claims(), kid: "rsa-1", extraHeader: [parameter: value], key: TestKeys.attackerRSA)
        #expect(await errorCode { try await verifier.verify(spoofed) } == "bad_signature")
    }

    @Test func tokenWithoutKidIsRejectedByDefault() async {
        let transport = FakeJWKSTransport(TestJWK.set([TestJWK.rsa()]))
        let verifier = Fixture.verifier(transport: transport)
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(), kid: nil)) } == "malformed")
    }

    @Test func noDefaultKeyFallbackEvenWhenKidIsOptional() async throws {
        // The only key has a kid: a kid-less token must not fall back to it.
        let transport = FakeJWKSTransport(TestJWK.set([TestJWK.rsa()]))
        let verifier = Fixture.verifier({ $0.requireKeyID = false }, transport: transport)
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(), kid: nil)) } == "unknown_key")
        // An unknown kid never falls back either.
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(), kid: "other")) } == "unknown_key")
        // A published key without kid is used for kid-less tokens only when so configured.
        var jwk = TestJWK.rsa().objectValue!
        jwk["kid"] = nil
        let unnamed = FakeJWKSTransport(TestJWK.set([.object(jwk)]))
        let lenient = Fixture.verifier({ $0.requireKeyID = false }, transport: unnamed)
        _ = try await lenient.verify(Mint.rs256(Fixture.claims(), kid: nil))
        let strict = Fixture.verifier(transport: unnamed)
        #expect(await errorCode { try await strict.verify(Mint.rs256(Fixture.claims(), kid: nil)) } == "malformed")
    }

    @Test func kidMustBeAString() async {
        let token = Mint.token(header: ["alg": "RS256", "kid": 1], claims: Fixture.claims(), key: .rsa(TestKeys.rsa, pss: false, hash: 256))
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "malformed")
    }

    // MARK: Issuer

    @Test func unknownIssuerFailsWithoutAnyFetch() async {
        let transport = FakeJWKSTransport()
        let verifier = Fixture.verifier(transport: transport)
        let token = Mint.rs256(Fixture.claims(["iss": "https://evil.example.com"]))
        #expect(await errorCode { try await verifier.verify(token) } == "wrong_issuer")
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(removing: ["iss"]))) } == "wrong_issuer")
        #expect(transport.requestCount == 0)
    }

    @Test func multipleIssuersSelectTheirOwnRulesAndKeys() async throws {
        let clock = TestClock()
        let transportA = FakeJWKSTransport(TestJWK.set([TestJWK.rsa()]))
        let transportB = FakeJWKSTransport(TestJWK.set([TestJWK.p256()]))
        let verifier = JWTVerifier(issuers: [
            .init(configuration: .init(issuers: ["https://a.example"], audience: .clientIds(["client-a"])),
                  jwks: JWKSCache(jwksURI: URL(string: "https://a.example/jwks")!, transport: transportA, now: clock.closure)),
            .init(configuration: .init(issuers: ["https://b.example"], audience: .clientIds(["client-b"])),
                  jwks: JWKSCache(jwksURI: URL(string: "https://b.example/jwks")!, transport: transportB, now: clock.closure)),
        ], now: clock.closure)
        _ = try await verifier.verify(Mint.rs256(Fixture.claims(["iss": "https://a.example"])))
        _ = try await verifier.verify(Mint.es256(Fixture.claims(["iss": "https://b.example", "client_id": "client-b"])))
        // Issuer B's token signed with A's key: B's keys do not have it.
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(["iss": "https://b.example", "client_id": "client-b"]))) } == "unknown_key")
        // Issuer B's rules: client-a is not accepted there.
        #expect(await errorCode { try await verifier.verify(Mint.es256(Fixture.claims(["iss": "https://b.example"]))) } == "wrong_audience")
        #expect(transportA.requestCount == 1)
    }

    // MARK: Time rules

    @Test func expIsRequired() async {
        #expect(await errorCode { try await Fixture.verifier().verify(Mint.rs256(Fixture.claims(removing: ["exp"]))) } == "malformed")
    }

    @Test func expiredAndLeeway() async throws {
        let clock = TestClock()
        let exp = Fixture.clock0.timeIntervalSince1970 + 10
        let token = Mint.rs256(Fixture.claims(["exp": .number(exp)]))
        let strict = Fixture.verifier(clock: clock)
        let lenient = Fixture.verifier({ $0.leeway = .seconds(30) }, clock: clock)
        _ = try await strict.verify(token)
        clock.advance(10)  // exactly exp: no longer valid (RFC 7519 §4.1.4 "on or after")
        #expect(await errorCode { try await strict.verify(token) } == "expired")
        _ = try await lenient.verify(token)
        clock.advance(30)
        #expect(await errorCode { try await lenient.verify(token) } == "expired")
    }

    @Test func notBeforeAndLeeway() async throws {
        let clock = TestClock()
        let token = Mint.rs256(Fixture.claims(["nbf": .number(Fixture.clock0.timeIntervalSince1970 + 20)]))
        #expect(await errorCode { try await Fixture.verifier(clock: clock).verify(token) } == "not_yet_valid")
        _ = try await Fixture.verifier({ $0.leeway = .seconds(20) }, clock: clock).verify(token)
        clock.advance(20)
        _ = try await Fixture.verifier(clock: clock).verify(token)
    }

    @Test func issuedInTheFutureIsNotYetValid() async throws {
        let token = Mint.rs256(Fixture.claims(["iat": .number(Fixture.clock0.timeIntervalSince1970 + 5)]))
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "not_yet_valid")
        _ = try await Fixture.verifier { $0.leeway = .seconds(5) }.verify(token)
    }

    @Test func maximumLifetime() async throws {
        let verifier = Fixture.verifier { $0.maxLifetime = .seconds(3600) }
        _ = try await verifier.verify(Mint.rs256(Fixture.claims(["exp": .number(Fixture.clock0.timeIntervalSince1970 + 3540)])))
        let long = Mint.rs256(Fixture.claims(["exp": .number(Fixture.clock0.timeIntervalSince1970 + 7200)]))
        #expect(await errorCode { try await verifier.verify(long) } == "expired")
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(removing: ["iat"]))) } == "malformed")
    }

    @Test(arguments: [JSONValue.string("1900000000"), .bool(true), .number(1e300), .number(-1), .number(253_402_300_800), .null, .array([1])])
    func numericDatesMustBeInRangeNumbers(_ exp: JSONValue) async {
        #expect(await errorCode { try await Fixture.verifier().verify(Mint.rs256(Fixture.claims(["exp": exp]))) } == "malformed")
    }

    @Test func hugeIntegerLiteralDoesNotOverflow() async {
        let header = Base64URL.encode(Array(#"{"alg":"RS256","kid":"rsa-1"}"#.utf8))
        let payload = Base64URL.encode(Array(#"{"iss":"https://issuer.example.com/pool","exp":1e999999999999}"#.utf8))
        let input = header + "." + payload
        let token = input + "." + Base64URL.encode(TestSigningKey.rsa(TestKeys.rsa, pss: false, hash: 256).sign(Array(input.utf8)))
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "malformed")
        let huge = Base64URL.encode(Array(#"{"iss":"https://issuer.example.com/pool","exp":99999999999999999999999999999999999}"#.utf8))
        let input2 = header + "." + huge
        let token2 = input2 + "." + Base64URL.encode(TestSigningKey.rsa(TestKeys.rsa, pss: false, hash: 256).sign(Array(input2.utf8)))
        #expect(await errorCode { try await Fixture.verifier().verify(token2) } == "malformed")
    }

    // MARK: Claims

    @Test func typHeaderCheck() async throws {
        let verifier = Fixture.verifier { $0.expectedType = "at+jwt" }
        _ = try await verifier.verify(Mint.rs256(Fixture.claims(), extraHeader: ["typ": "at+jwt"]))
        _ = try await verifier.verify(Mint.rs256(Fixture.claims(), extraHeader: ["typ": "application/AT+JWT"]))
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims())) } == "malformed")
    }

    @Test func tokenUse() async throws {
        let verifier = Fixture.verifier { $0.tokenUse = .access }
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(["token_use": "id"]))) } == "wrong_token_use")
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(removing: ["token_use"]))) } == "wrong_token_use")
    }

    @Test func audienceAndClientId() async throws {
        let byClient = Fixture.verifier { $0.clientIds = ["client-a"] }
        _ = try await byClient.verify(Mint.rs256(Fixture.claims()))
        #expect(await errorCode { try await byClient.verify(Mint.rs256(Fixture.claims(["client_id": "client-x"]))) } == "wrong_audience")
        // An access token's aud does not stand in for client_id.
        let audOnly = Fixture.claims(["aud": "client-a", "client_id": "client-x"])
        #expect(await errorCode { try await byClient.verify(Mint.rs256(audOnly)) } == "wrong_audience")

        let byAudience = Fixture.verifier { $0.audiences = ["api://orders"] }
        _ = try await byAudience.verify(Mint.rs256(Fixture.claims(["aud": ["other", "api://orders"]])))
        #expect(await errorCode { try await byAudience.verify(Mint.rs256(Fixture.claims())) } == "wrong_audience")
        #expect(await errorCode { try await byAudience.verify(Mint.rs256(Fixture.claims(["aud": 5]))) } == "malformed")
    }

    /// Which claim names the client, by `token_use` (Cognito): `client_id` for access tokens,
    /// `aud` for id tokens, either for tokens without (or with another) `token_use`.
    @Test func clientClaimByTokenUse() async throws {
        let verifier = Fixture.verifier { $0.clientIds = ["client-a"]; $0.tokenUse = nil }
        func code(_ overrides: [String: JSONValue], removing: [String] = []) async -> String? {
            await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(overrides, removing: removing))) }
        }
        #expect(await code(["token_use": "access", "client_id": "client-a"]) == nil)
        #expect(await code(["token_use": "access", "aud": "client-a", "client_id": "client-x"]) == "wrong_audience")
        #expect(await code(["token_use": "id", "aud": "client-a"], removing: ["client_id"]) == nil)
        #expect(await code(["token_use": "id", "aud": "client-x", "client_id": "client-a"]) == "wrong_audience")
        #expect(await code(["client_id": "client-a"], removing: ["token_use"]) == nil)
        #expect(await code(["aud": "client-a"], removing: ["token_use", "client_id"]) == nil)
        #expect(await code(["aud": "client-a", "client_id": "client-x"], removing: ["token_use"]) == nil)
        #expect(await code(["token_use": "refresh", "aud": ["client-x", "client-a"], "client_id": "client-x"]) == nil)
        #expect(await code(["aud": "client-x", "client_id": "client-x"], removing: ["token_use"]) == "wrong_audience")
    }

    /// The code a policy answers for a verified token's identity, or `nil` when it allows.
    func policyCode(_ policy: AuthorizationPolicy, _ claims: [String: JSONValue]) async throws -> String? {
        let identity = try await Fixture.verifier().verify(Mint.rs256(claims)).identity
        let input = AuthorizationInput(auth: AuthContext(caller: identity, user: identity), request: HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/"), context: RequestContext())
        guard case .deny(let denial) = try await policy.decide(input) else { return nil }
        return denial.authFailure(caller: identity).code
    }

    @Test func scopesAllOfAndAnyOf() async throws {
        #expect(try await policyCode(.scopes("orders/read", "orders/write"), Fixture.claims()) == nil)
        #expect(try await policyCode(.scopes("orders/read", "orders/admin"), Fixture.claims()) == "missing_scope")
        #expect(try await policyCode(.anyScope("orders/admin", "orders/read"), Fixture.claims()) == nil)
        #expect(try await policyCode(.anyScope("orders/admin", "inventory/read"), Fixture.claims()) == "missing_scope")
        // A scope prefix is not the scope.
        #expect(try await policyCode(.scopes("orders/read"), Fixture.claims(["scope": "orders/reader"])) == "missing_scope")
    }

    @Test func groupsAnyOf() async throws {
        #expect(try await policyCode(.groups("admins", "customers"), Fixture.claims()) == nil)
        #expect(try await policyCode(.groups("admins"), Fixture.claims()) == "missing_group")
        #expect(try await policyCode(.groups("admins"), Fixture.claims(removing: ["cognito:groups"])) == "missing_group")
        // A groups claim that is not an array is a malformed token, whatever the policy.
        #expect(await errorCode { try await Fixture.verifier().verify(Mint.rs256(Fixture.claims(["cognito:groups": "admins"]))) } == "malformed")
    }

    @Test func customCheck() async throws {
        let verifier = Fixture.verifier {
            $0.customCheck = { token throws(JWTError) in
                if token.subject == "banned" { throw JWTError(.wrongAudience, "banned subject") }
            }
        }
        _ = try await verifier.verify(Mint.rs256(Fixture.claims()))
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(["sub": "banned"]))) } == "wrong_audience")
    }

    // MARK: Structure and size

    @Test func maximumTokenSize() async {
        let verifier = Fixture.verifier { $0.maxTokenBytes = 600 }
        let token = Mint.rs256(Fixture.claims(["padding": .string(String(repeating: "x", count: 400))]))
        #expect(token.utf8.count > 600)
        #expect(await errorCode { try await verifier.verify(token) } == "malformed")
    }

    @Test(arguments: [
        "", "a", "a.b", "a.b.c.d", "a.b.c.d.e", "..", ".b.c", "a..c", "a.b.",
        "eyJhbGciOiJSUzI1NiJ9.e30.=", "e30.e30.AA", "!!.e30.AA", "eyJhbGciOiJSUzI1NiJ9.!!.AA",
        "W10.e30.AA", "eyJhbGciOiJSUzI1NiIsImFsZyI6IlJTMjU2In0.e30.AA",
    ])
    func malformedTokensAreRejected(_ token: String) async {
        #expect(await errorCode { try await Fixture.verifier().verify(token) } == "malformed")
    }

    @Test func messagesNeverContainTheTokenOrSignature() async {
        let verifier = Fixture.verifier()
        let token = Mint.rs256(Fixture.claims(["exp": .number(Fixture.clock0.timeIntervalSince1970 - 1)]))
        let signature = String(token.split(separator: ".")[2])
        do {
            _ = try await verifier.verify(token)
            Issue.record("expected a failure")
        } catch {
            #expect(!error.message.contains(signature))
            #expect(!error.description.contains(token))
            #expect(!error.authFailure.message.contains(signature))
        }
    }

    @Test func errorsMapToHTTPFailures() {
        let invalid = JWTError(.expired, "x").authFailure
        #expect(invalid.status == .unauthorized)
        #expect(invalid.challenges == [.bearerInvalidToken])
        let scope = JWTError(.missingScope, "x").authFailure
        #expect(scope.status == .forbidden)
        #expect(scope.challenges == [.bearerInsufficientScope])
        #expect(JWTError(.missingGroup, "x").authFailure.status == .forbidden)
        let missing = JWTError(.missingToken, "x").authFailure
        #expect(missing.status == .unauthorized)
        #expect(missing.challenges == [.bearer])
    }

    @Test func cognitoPresetDerivesIssuerAndJWKS() async throws {
        let transport = FakeJWKSTransport(TestJWK.set([TestJWK.rsa()]))
        let clock = TestClock()
        let verifier = JWTVerifier.cognito(region: "eu-west-1", userPoolId: "eu-west-1_Pool", clientIds: ["client-a"],
                                           tokenUse: .access, transport: transport, now: clock.closure)
        let issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool"
        _ = try await verifier.verify(Mint.rs256(Fixture.claims(["iss": .string(issuer)])))
        #expect(transport.requestedURLs == [issuer + "/.well-known/jwks.json"])
        #expect(await errorCode { try await verifier.verify(Mint.rs256(Fixture.claims(["iss": .string(issuer), "token_use": "id"]))) } == "wrong_token_use")
    }
}
