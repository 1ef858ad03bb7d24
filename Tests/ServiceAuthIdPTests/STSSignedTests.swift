import Foundation
import HTTPTypes
import ServiceAuth
import Testing
@testable import ServiceAuthIdP

/// STS requests signed with the package's own `SigV4Signer`, so time rules can use a fixed clock.
@Suite struct STSSignedTests {
    static let ordersService = AWSCredentials(accessKeyId: "AKIAORDERSSERVICE001", secretAccessKey: "orders-service-secret-access-key")
    static let ordersRole = "arn:aws:iam::123456789012:role/orders"

    let clock = TestClock()
    let issuer: LocalIssuer

    init() throws {
        issuer = try LocalIssuer(configuration: Self.chainingConfiguration, options: .init(issuerBase: "http://idp.test", now: clock.closure), signingKey: TestSigningKey.shared)
    }

    /// The demo plus a role `auditor` that trusts the `orders` role (role chaining).
    static var chainingConfiguration: IdPConfiguration {
        var configuration = IdPConfiguration.demo
        configuration.roles.append(
            .init(arn: "arn:aws:iam::123456789012:role/auditor", trustedPrincipals: [ordersRole], maxSessionDurationSeconds: 43200)
        )
        return configuration
    }

    func sts(
        _ form: String,
        credentials: AWSCredentials = ordersService,
        region: String = "us-east-1",
        service: String = "sts"
    ) async throws -> (HTTPResponse, String) {
        var request = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:9000", path: "/")
        request.headerFields[.contentType] = "application/x-www-form-urlencoded; charset=utf-8"
        let signed = SigV4Signer(region: region, service: service).sign(request, body: Array(form.utf8), credentials: credentials, date: clock.now)
        let (response, body) = await issuer.respond(to: signed.request, body: MessageBody(form))
        return (response, String(decoding: try await body.collect(upTo: 1 << 20), as: UTF8.self))
    }

    func xmlValue(_ tag: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(tag)>"), let end = xml.range(of: "</\(tag)>", range: start.upperBound..<xml.endIndex) else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    func assume(_ role: String, session: String = "test-session", duration: Int? = nil, as credentials: AWSCredentials = ordersService) async throws -> (HTTPResponse, String) {
        var form = "Action=AssumeRole&Version=2011-06-15&RoleArn=\(role)&RoleSessionName=\(session)"
        if let duration { form += "&DurationSeconds=\(duration)" }
        return try await sts(form, credentials: credentials)
    }

    func temporaryCredentials(from xml: String) throws -> AWSCredentials {
        let token: String = try #require(xmlValue("SessionToken", in: xml))
        return AWSCredentials(
            accessKeyId: try #require(xmlValue("AccessKeyId", in: xml)),
            secretAccessKey: try #require(xmlValue("SecretAccessKey", in: xml)),
            sessionToken: token
        )
    }

    @Test func getCallerIdentityOfAnIAMUser() async throws {
        let (response, xml) = try await sts("Action=GetCallerIdentity&Version=2011-06-15")
        #expect(response.status == .ok)
        #expect(xml.hasPrefix(#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#))
        #expect(xmlValue("Arn", in: xml) == "arn:aws:iam::123456789012:user/orders-service")
        #expect(xmlValue("Account", in: xml) == "123456789012")
        #expect(xmlValue("UserId", in: xml)?.hasPrefix("AIDA") == true)
        #expect(xmlValue("RequestId", in: xml) != nil)
    }

    @Test func temporaryCredentialsWorkUntilTheyExpire() async throws {
        let (response, xml) = try await assume(Self.ordersRole, duration: 900)
        #expect(response.status == .ok)
        #expect(xmlValue("Arn", in: xml) == "arn:aws:sts::123456789012:assumed-role/orders/test-session")
        #expect(xmlValue("Expiration", in: xml) == LocalIssuer.iso8601(clock.now.addingTimeInterval(900)))
        let temporary = try temporaryCredentials(from: xml)
        #expect(temporary.accessKeyId.hasPrefix("ASIA") && temporary.accessKeyId.count == 20)

        let (identity, identityXML) = try await sts("Action=GetCallerIdentity&Version=2011-06-15", credentials: temporary)
        #expect(identity.status == .ok)
        #expect(xmlValue("Arn", in: identityXML) == "arn:aws:sts::123456789012:assumed-role/orders/test-session")
        #expect(xmlValue("UserId", in: identityXML)?.hasSuffix(":test-session") == true)

        clock.advance(901)
        let (expired, expiredXML) = try await sts("Action=GetCallerIdentity&Version=2011-06-15", credentials: temporary)
        #expect(expired.status == .badRequest)
        #expect(xmlValue("Code", in: expiredXML) == "ExpiredToken")
    }

    @Test func sessionTokenOpensWithTheExportedKey() async throws {
        let (_, xml) = try await assume(Self.ordersRole)
        let temporary = try temporaryCredentials(from: xml)
        let sealer = try SessionTokenSealer(exportedKey: issuer.exportedSessionKey)
        let claims = try sealer.open(try #require(temporary.sessionToken))
        #expect(claims.accessKeyId == temporary.accessKeyId)
        #expect(claims.secretAccessKey == temporary.secretAccessKey)
        #expect(claims.principal == "arn:aws:sts::123456789012:assumed-role/orders/test-session")
        #expect(claims.issuedAt == clock.now && claims.lifetime == 3600)
        #expect(throws: SessionTokenError.invalidToken) { try SessionTokenSealer.random().open(temporary.sessionToken ?? "") }
    }

    /// A session sealed with the issuer's key but living longer than its role allows (the
    /// `orders` role: 3600 s) is refused, although its seal is valid.
    @Test func sessionLongerThanTheRoleAllowsIsRefused() async throws {
        let overlong = SessionTokenClaims(
            accessKeyId: "ASIAOVERLONGSESSION1", secretAccessKey: "minted-secret",
            principal: "arn:aws:sts::123456789012:assumed-role/orders/x",
            issuedAt: clock.now, expiration: clock.now.addingTimeInterval(7200)
        )
        let minted = AWSCredentials(
            accessKeyId: overlong.accessKeyId, secretAccessKey: overlong.secretAccessKey,
            sessionToken: try issuer.sessionTokenSealer.seal(overlong)
        )
        let (response, xml) = try await sts("Action=GetCallerIdentity&Version=2011-06-15", credentials: minted)
        #expect(response.status == .forbidden)
        #expect(xmlValue("Code", in: xml) == "InvalidClientTokenId")
    }

    @Test func roleChainingIsTrustedAndLimitedToAnHour() async throws {
        let (_, xml) = try await assume(Self.ordersRole)
        let temporary = try temporaryCredentials(from: xml)
        let auditor = "arn:aws:iam::123456789012:role/auditor"
        let (tooLong, tooLongXML) = try await assume(auditor, duration: 7200, as: temporary)
        #expect(tooLong.status == .badRequest)
        #expect(xmlValue("Code", in: tooLongXML) == "ValidationError")
        let (chained, chainedXML) = try await assume(auditor, session: "chained", duration: 3600, as: temporary)
        #expect(chained.status == .ok)
        #expect(xmlValue("Arn", in: chainedXML) == "arn:aws:sts::123456789012:assumed-role/auditor/chained")
        // The IAM user itself is not trusted by the auditor role.
        let (direct, directXML) = try await assume(auditor)
        #expect(direct.status == .forbidden)
        #expect(xmlValue("Code", in: directXML) == "AccessDenied")
    }

    /// Each refusal has STS's error code and status; none is a server error.
    @Test(arguments: [
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/reports&RoleSessionName=s1", 403, "AccessDenied"),
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/nope&RoleSessionName=s1", 403, "AccessDenied"),
        ("Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1", 400, "ValidationError"),
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/orders", 400, "ValidationError"),
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/orders&RoleSessionName=s", 400, "ValidationError"),
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/orders&RoleSessionName=s1&DurationSeconds=899", 400, "ValidationError"),
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/orders&RoleSessionName=s1&DurationSeconds=3601", 400, "ValidationError"),
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/orders&RoleSessionName=s1&DurationSeconds=abc", 400, "ValidationError"),
        ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/orders&RoleSessionName=s1&RoleSessionName=s2", 400, "ValidationError"),
        ("Action=GetSessionToken&Version=2011-06-15", 400, "InvalidAction"),
        ("Action=GetCallerIdentity&Version=2012-01-01", 400, "InvalidAction"),
        ("Action=GetCallerIdentity", 400, "InvalidAction"),
        ("", 400, "InvalidAction"),
        ("Action=%GG", 400, "MalformedQueryString"),
    ])
    func refusals(form: String, status: Int, code: String) async throws {
        let (response, xml) = try await sts(form)
        #expect(response.status.code == status)
        #expect(xmlValue("Code", in: xml) == code)
        #expect(xmlValue("Type", in: xml) == "Sender")
    }

    @Test func signatureProblemsHaveSigV4Codes() async throws {
        let wrongSecret = AWSCredentials(accessKeyId: Self.ordersService.accessKeyId, secretAccessKey: "not-the-secret")
        #expect(xmlValue("Code", in: try await sts("Action=GetCallerIdentity&Version=2011-06-15", credentials: wrongSecret).1) == "SignatureDoesNotMatch")
        #expect(xmlValue("Code", in: try await sts("Action=GetCallerIdentity&Version=2011-06-15", region: "eu-west-1").1) == "SignatureDoesNotMatch")
        #expect(xmlValue("Code", in: try await sts("Action=GetCallerIdentity&Version=2011-06-15", service: "iam").1) == "SignatureDoesNotMatch")
        let unknown = AWSCredentials(accessKeyId: "AKIAUNKNOWN000000001", secretAccessKey: "whatever")
        #expect(xmlValue("Code", in: try await sts("Action=GetCallerIdentity&Version=2011-06-15", credentials: unknown).1) == "InvalidClientTokenId")
        // A long-term key never carries a session token.
        var mixed = Self.ordersService
        mixed.sessionToken = "SAT1.anything"
        #expect(xmlValue("Code", in: try await sts("Action=GetCallerIdentity&Version=2011-06-15", credentials: mixed).1) == "InvalidClientTokenId")
        // A temporary key id with another session's token.
        let (_, first) = try await assume(Self.ordersRole, session: "first")
        let (_, second) = try await assume(Self.ordersRole, session: "second")
        var swapped = try temporaryCredentials(from: first)
        swapped.sessionToken = try temporaryCredentials(from: second).sessionToken
        #expect(xmlValue("Code", in: try await sts("Action=GetCallerIdentity&Version=2011-06-15", credentials: swapped).1) == "InvalidClientTokenId")
    }

    @Test func metricsCountAssumeRoleByRoleAndOutcome() async throws {
        _ = try await assume(Self.ordersRole)
        _ = try await assume("arn:aws:iam::123456789012:role/reports")
        _ = try await assume("arn:aws:iam::123456789012:role/made-up")
        let (_, text) = try await send(issuer, .get, "/metrics")
        #expect(text.contains(#"serviceauth_idp_assume_role_total{role="arn:aws:iam::123456789012:role/orders",outcome="success"} 1"#))
        #expect(text.contains(#"serviceauth_idp_assume_role_total{role="arn:aws:iam::123456789012:role/reports",outcome="AccessDenied"} 1"#))
        #expect(text.contains(#"serviceauth_idp_assume_role_total{role="unknown",outcome="AccessDenied"} 1"#))
        #expect(!text.contains("made-up"))
    }
}
