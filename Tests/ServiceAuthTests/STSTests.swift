import Foundation
import HTTPTypes
import ServiceAuth
import Testing

@Suite("STS: AssumeRole and delegation")
struct STSTests {
    static let start = Date(timeIntervalSince1970: 1_764_000_000)

    struct Fixture {
        let clock = TestClock(STSTests.start)
        let sts: STSFake
        let transport: ClosureTransport

        init() {
            let sts = STSFake(clock: clock)
            self.sts = sts
            self.transport = ClosureTransport { request, body in
                guard request.authority == "sts.local:4566" else { throw HTTPTransportError.invalidURL }
                return await sts.handle(request, body: body)
            }
        }

        func provider(durationSeconds: Int = 3600) -> AssumeRoleCredentialsProvider {
            let clock = self.clock
            return AssumeRoleCredentialsProvider(
                configuration: .init(
                    roleArn: STSFake.roleArn,
                    roleSessionName: "orders-test",
                    durationSeconds: durationSeconds,
                    stsEndpoint: URL(string: "http://sts.local:4566")!,
                    allowInsecureHTTP: true  // an in-memory fake, not a network
                ),
                sourceCredentials: StaticCredentialsProvider(sts.sourceCredentials),
                transport: transport,
                now: { clock.now }
            )
        }
    }

    @Test func assumeRoleReturnsSealedTemporaryCredentials() async throws {
        let fixture = Fixture()
        let credentials = try await fixture.provider().credentials()
        #expect(credentials.accessKeyId.hasPrefix("ASIAFAKE"))
        #expect(credentials.sessionToken?.hasPrefix("SAT1.") == true)
        #expect(credentials.expiration == Self.start.addingTimeInterval(3600))
        // The temporary credentials sign requests a service accepts through the issuer store.
        let claims = try fixture.sts.sealer.open(try #require(credentials.sessionToken))
        #expect(claims.principal == "arn:aws:sts::123456789012:assumed-role/orders/orders-test")
        #expect(claims.secretAccessKey == credentials.secretAccessKey)
    }

    @Test func assumeRoleIsCachedSingleFlightAndRefreshedAhead() async throws {
        let fixture = Fixture()
        let provider = fixture.provider()
        let results = try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.credentials() } }
            return try await group.reduce(into: [AWSCredentials]()) { $0.append($1) }
        }
        #expect(Set(results).count == 1)
        #expect(fixture.sts.calls("AssumeRole") == 1)

        fixture.clock.advance(by: 3600 - 301)
        _ = try await provider.credentials()
        #expect(fixture.sts.calls("AssumeRole") == 1)
        fixture.clock.advance(by: 2)  // now inside the 300 s refresh window
        // Refreshed in the background: the cached credentials come back at once.
        #expect(try await provider.credentials() == results[0])
        await tokenTestWaitUntil("the background refresh lands") {
            (try? await provider.credentials()).map { $0 != results[0] } ?? false
        }
        let refreshed = try await provider.credentials()
        #expect(fixture.sts.calls("AssumeRole") == 2)

        // A failing refresh falls back to still-valid cached credentials…
        fixture.clock.advance(by: 3600 - 200)
        fixture.sts.forcedError.withLock { $0 = "Throttling" }
        #expect(try await provider.credentials() == refreshed)
        // …but not to expired ones.
        fixture.clock.advance(by: 300)
        do {
            _ = try await provider.credentials()
            Issue.record("expired credentials returned")
        } catch let error as AWSCredentialsError {
            #expect(error.code == "Throttling")
            #expect(error.httpStatus == 403)
        }
    }

    @Test func shortSessionsAreRefreshedHalfwayNotPerCall() async throws {
        let fixture = Fixture()
        let provider = fixture.provider(durationSeconds: 400)
        _ = try await provider.credentials()
        fixture.clock.advance(by: 150)
        _ = try await provider.credentials()
        #expect(fixture.sts.calls("AssumeRole") == 1)
        fixture.clock.advance(by: 60)
        _ = try await provider.credentials()  // starts the background refresh
        await tokenTestWaitUntil("the background refresh runs") { fixture.sts.calls("AssumeRole") == 2 }
    }

    @Test func assumeRoleReportsSTSErrors() async throws {
        let fixture = Fixture()
        fixture.sts.forcedError.withLock { $0 = "AccessDenied" }
        await #expect(throws: AWSCredentialsError(code: "AccessDenied", message: "refused: AccessDenied", httpStatus: 403)) {
            try await fixture.provider().credentials()
        }
        // Wrong source secret: the fake STS's SigV4 verifier refuses the AssumeRole call.
        let clock = fixture.clock
        let wrongSecret = AssumeRoleCredentialsProvider(
            configuration: .init(roleArn: STSFake.roleArn, roleSessionName: "x", stsEndpoint: URL(string: "http://sts.local:4566")!, allowInsecureHTTP: true),
            sourceCredentials: StaticCredentialsProvider(accessKeyId: STSFake.userAccessKeyId, secretAccessKey: "wrong"),
            transport: fixture.transport,
            now: { clock.now }
        )
        await #expect(throws: AWSCredentialsError(code: "SignatureDoesNotMatch", message: "refused: SignatureDoesNotMatch", httpStatus: 403)) {
            try await wrongSecret.credentials()
        }
        let garbage = AssumeRoleCredentialsProvider(
            configuration: .init(roleArn: STSFake.roleArn, roleSessionName: "x", stsEndpoint: URL(string: "http://sts.local:4566")!, allowInsecureHTTP: true),
            sourceCredentials: StaticCredentialsProvider(fixture.sts.sourceCredentials),
            transport: ClosureTransport { _, _ in (HTTPResponse(status: .ok), Array("<not-xml".utf8)) },
            now: { clock.now }
        )
        await #expect(throws: AWSCredentialsError.self) { try await garbage.credentials() }
    }

    // MARK: - Delegation

    func delegationVerifier(_ fixture: Fixture, audience: String = "inventory") -> STSDelegationVerifier {
        let clock = fixture.clock
        return STSDelegationVerifier(
            configuration: .init(audience: audience, stsEndpoint: URL(string: "http://sts.local:4566")!),
            transport: fixture.transport,
            now: { clock.now }
        )
    }

    func generator(audience: String = "inventory", endpoint: String = "http://sts.local:4566", expires: Int = 60) -> STSDelegationTokenGenerator {
        STSDelegationTokenGenerator(configuration: .init(audience: audience, stsEndpoint: URL(string: endpoint)!, expires: expires))
    }

    @Test func delegationTokenProvesTheCallersARN() async throws {
        let fixture = Fixture()
        let token = try generator().token(credentials: fixture.sts.sourceCredentials, date: fixture.clock.now)
        #expect(token.hasPrefix("sts-v1."))
        let verifier = delegationVerifier(fixture)
        let identity = try await verifier.verifyIdentity(token)
        #expect(identity.kind == .role)
        #expect(identity.principal == STSFake.userArn)
        #expect(fixture.sts.calls("GetCallerIdentity") == 1)
        // A repeated token costs no STS call.
        _ = try await verifier.verifyIdentity(token)
        #expect(fixture.sts.calls("GetCallerIdentity") == 1)

        // Assumed-role credentials work too.
        let temporary = try await fixture.provider().credentials()
        let roleToken = try generator().token(credentials: temporary, date: fixture.clock.now)
        #expect(try await verifier.verifyIdentity(roleToken).principal == "arn:aws:sts::123456789012:assumed-role/orders/orders-test")
    }

    func expectDelegationFailure(
        _ code: SigV4Error.Code,
        _ verifier: STSDelegationVerifier,
        _ token: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            _ = try await verifier.verify(token)
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.authFailure.challenges == [.bearerInvalidToken], sourceLocation: sourceLocation)
        }
    }

    @Test func delegationTokenIsBoundToAudienceEndpointAndTime() async throws {
        let fixture = Fixture()
        let credentials = fixture.sts.sourceCredentials
        let now = fixture.clock.now
        // Signed for another audience: STS refuses the signature.
        await expectDelegationFailure(.signatureDoesNotMatch, delegationVerifier(fixture), try generator(audience: "orders").token(credentials: credentials, date: now))
        #expect(fixture.sts.calls("GetCallerIdentity") == 0)
        // Pointing at another host: refused before any call.
        await expectDelegationFailure(.accessDenied, delegationVerifier(fixture), try generator(endpoint: "http://evil.local:4566").token(credentials: credentials, date: now))
        // Too long-lived, expired, or from the future.
        await expectDelegationFailure(.requestExpired, delegationVerifier(fixture), try generator(expires: 3600).token(credentials: credentials, date: now))
        await expectDelegationFailure(.requestExpired, delegationVerifier(fixture), try generator().token(credentials: credentials, date: now.addingTimeInterval(-61)))
        await expectDelegationFailure(.requestTimeTooSkewed, delegationVerifier(fixture), try generator().token(credentials: credentials, date: now.addingTimeInterval(600)))
        // Unknown credentials.
        let unknown = AWSCredentials(accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x")
        await expectDelegationFailure(.invalidClientTokenId, delegationVerifier(fixture), try generator().token(credentials: unknown, date: now))
        #expect(fixture.sts.calls("GetCallerIdentity") == 0)
    }

    static func encode(_ url: String) -> String { "sts-v1." + Base64URL.encode(Array(url.utf8)) }

    static let hostileTokens: [String] = [
        "",
        "sts-v1.",
        "sts-v1.!!!!",
        "sts-v2." + Base64URL.encode(Array("http://sts.local:4566/?Action=GetCallerIdentity".utf8)),
        "sts-v1." + String(repeating: "A", count: 9000),
        encode("ftp://sts.local:4566/?Action=GetCallerIdentity&Version=2011-06-15"),
        encode("http://sts.local:4566/?Action=AssumeRole&Version=2011-06-15&RoleArn=x&X-Amz-Algorithm=AWS4-HMAC-SHA256"),
        encode("http://sts.local:4566/?Action=GetCallerIdentity&Action=GetCallerIdentity&Version=2011-06-15"),
        encode("http://sts.local:4566/?Action=GetCallerIdentity&Version=2011-06-15"),
        encode("http://sts.local:4566/other?Action=GetCallerIdentity&Version=2011-06-15"),
        encode("http://user@sts.local:4566/?Action=GetCallerIdentity&Version=2011-06-15"),
        encode("http://sts.local:4566/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20251124%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20251124T160000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00"),
    ]

    @Test("hostile delegation tokens are refused without calling STS", arguments: hostileTokens)
    func hostileToken(_ token: String) async {
        let fixture = Fixture()
        await #expect(throws: SigV4Error.self) { try await delegationVerifier(fixture).verifyIdentity(token) }
        #expect(fixture.sts.calls("GetCallerIdentity") == 0)
    }

    @Test func unreachableSTSIsServiceUnavailable() async throws {
        let clock = TestClock(Self.start)
        let verifier = STSDelegationVerifier(
            configuration: .init(audience: "inventory", stsEndpoint: URL(string: "http://sts.local:4566")!),
            transport: ClosureTransport { _, _ in throw HTTPTransportError.timeout },
            now: { clock.now }
        )
        let token = try generator().token(credentials: AWSCredentials(accessKeyId: "AKIA", secretAccessKey: "s"), date: clock.now)
        do {
            _ = try await verifier.verify(token)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .serviceUnavailable)
            #expect(error.authFailure.status == .serviceUnavailable)
        }
    }

    @Test func delegationMiddlewareAttachesAVerifiableBearerToken() async throws {
        let fixture = Fixture()
        let clock = fixture.clock
        let verifier = delegationVerifier(fixture)
        let chain = ClientMiddlewareChain([
            SigV4STSDelegationMiddleware(
                generator: generator(),
                credentialsProvider: fixture.provider(),
                now: { clock.now }
            )
        ])
        let request = HTTPRequest(method: .get, scheme: "http", authority: "inventory.local", path: "/whoami")
        let (response, body) = try await chain.run(request, body: MessageBody()) { request, _ in
            guard case .token(let token) = BearerToken.extract(from: request.headerFields) else {
                return (HTTPResponse(status: .unauthorized), MessageBody())
            }
            let identity = try await verifier.verifyIdentity(token)
            return (HTTPResponse(status: .ok), MessageBody(identity.principal ?? ""))
        }
        #expect(response.status == .ok)
        #expect(String(decoding: try await body.collect(upTo: 1024), as: UTF8.self) == "arn:aws:sts::123456789012:assumed-role/orders/orders-test")
    }
}
