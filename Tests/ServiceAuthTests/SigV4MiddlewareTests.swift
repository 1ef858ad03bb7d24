import Foundation
import HTTPTypes
import ServiceAuth
import Testing

@Suite("SigV4 middleware")
struct SigV4MiddlewareTests {
    static let now = Date(timeIntervalSince1970: 1_764_000_000)
    static let rolePrincipal = "arn:aws:iam::123456789012:role/orders"
    static let store = JSONFileCredentialStore(entries: [
        .init(accessKeyId: "AKIAMIDDLEWARE000001", secretAccessKey: "middlewareSecret", principal: rolePrincipal),
        .init(accessKeyId: "AKIAOTHERPRINCIPAL01", secretAccessKey: "otherSecret", principal: "arn:aws:iam::123456789012:role/other"),
    ])

    static func server(
        store: any CredentialStore = store,
        allowed: [String]? = [rolePrincipal],
        maxBodyBytes: Int = 1024,
        now: @escaping @Sendable () -> Date = { SigV4MiddlewareTests.now }
    ) -> @Sendable (HTTPRequest, MessageBody) async throws -> (HTTPResponse, MessageBody) {
        let verifier = SigV4Verifier(
            configuration: .init(region: "us-east-1", service: "execute-api", acceptedHosts: .anyHost),
            credentialStore: store,
            now: now
        )
        let security = RouteSecurity(
            [SigV4Authenticator(verifier: verifier, maxBodyBytes: maxBodyBytes)],
            policy: allowed.map { .principals(matching: $0) } ?? .authenticated
        )
        let respond: @Sendable (HTTPRequest, MessageBody) async throws -> (HTTPResponse, MessageBody) = { request, body in
            try await security.run(request, body: body, context: RequestContext()) { _, body, context in
                let bytes = try await body.collect(upTo: 4096)
                let caller = context.auth.caller
                #expect(AuthContext.current?.caller == caller)
                let text = "\(caller?.kind.rawValue ?? "-")|\(caller?.principal ?? "-")|\(caller?.subject ?? "-")|\(bytes.count)"
                return (HTTPResponse(status: .ok), MessageBody(text))
            }
        }
        // The server renders thrown failures; so does this stand-in.
        return { request, body in
            do {
                return try await respond(request, body)
            } catch let failure as any AuthFailureConvertible {
                return failure.authFailure.response()
            }
        }
    }

    static func client(
        _ credentials: any AWSCredentialsProvider,
        server: @escaping @Sendable (HTTPRequest, MessageBody) async throws -> (HTTPResponse, MessageBody)
    ) -> @Sendable (HTTPRequest, MessageBody) async throws -> (HTTPResponse, String) {
        let chain = ClientMiddlewareChain([
            SigV4SigningMiddleware(
                signer: SigV4Signer(region: "us-east-1", service: "execute-api"),
                credentialsProvider: credentials,
                now: { SigV4MiddlewareTests.now }
            )
        ])
        return { request, body in
            let (response, responseBody) = try await chain.run(request, body: body, transport: server)
            return (response, String(decoding: try await responseBody.collect(upTo: 4096), as: UTF8.self))
        }
    }

    static let request = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1:9000", path: "/items/1/reserve?q=a%20b")

    @Test func signedRequestReachesTheHandlerAsARole() async throws {
        let send = Self.client(StaticCredentialsProvider(accessKeyId: "AKIAMIDDLEWARE000001", secretAccessKey: "middlewareSecret"), server: Self.server())
        let (response, text) = try await send(Self.request, MessageBody(#"{"n":1}"#))
        #expect(response.status == .ok)
        #expect(text == "role|\(Self.rolePrincipal)|AKIAMIDDLEWARE000001|7")
    }

    @Test func streamedBodyIsHashedAsItArrives() async throws {
        let bytes = Array(repeating: UInt8(ascii: "z"), count: 1000)
        let signed = SigV4Signer(region: "us-east-1", service: "execute-api").sign(
            Self.request,
            body: bytes,
            credentials: AWSCredentials(accessKeyId: "AKIAMIDDLEWARE000001", secretAccessKey: "middlewareSecret"),
            date: Self.now
        )
        func stream(_ chunks: [[UInt8]]) -> MessageBody {
            let (stream, continuation) = AsyncThrowingStream<ArraySlice<UInt8>, any Error>.makeStream()
            for chunk in chunks { continuation.yield(chunk[...]) }
            continuation.finish()
            return MessageBody(stream: stream, length: nil)
        }
        let (ok, okBody) = try await Self.server()(signed.request, stream([Array(bytes[..<300]), Array(bytes[300...])]))
        #expect(ok.status == .ok)
        #expect(String(decoding: try await okBody.collect(upTo: 100), as: UTF8.self).hasSuffix("|1000"))
        var tampered = bytes
        tampered[999] = UInt8(ascii: "y")
        let (refused, _) = try await Self.server()(signed.request, stream([tampered]))
        #expect(refused.status == .unauthorized)
        await #expect(throws: MessageBodyTooLarge.self) {
            _ = try await Self.server(maxBodyBytes: 999)(signed.request, stream([Array(bytes[..<500]), Array(bytes[500...])]))
        }
    }

    @Test func failuresAnswerWithAWSCodes() async throws {
        let server = Self.server()
        let (missing, missingBody) = try await server(Self.request, MessageBody())
        #expect(missing.status == .unauthorized)
        #expect(missing.headerFields[.wwwAuthenticate] == "AWS4-HMAC-SHA256")
        #expect(String(decoding: try await missingBody.collect(upTo: 1024), as: UTF8.self).contains(#""error":"MissingAuthenticationToken""#))

        let wrongSecret = Self.client(StaticCredentialsProvider(accessKeyId: "AKIAMIDDLEWARE000001", secretAccessKey: "nope"), server: server)
        let (bad, badText) = try await wrongSecret(Self.request, MessageBody("x"))
        #expect(bad.status == .unauthorized)
        #expect(badText.contains("SignatureDoesNotMatch"))

        let other = Self.client(StaticCredentialsProvider(accessKeyId: "AKIAOTHERPRINCIPAL01", secretAccessKey: "otherSecret"), server: server)
        let (denied, deniedText) = try await other(Self.request, MessageBody("x"))
        #expect(denied.status == .forbidden)
        #expect(deniedText.contains(#""error":"AccessDenied""#))

        let anyPrincipal = Self.client(StaticCredentialsProvider(accessKeyId: "AKIAOTHERPRINCIPAL01", secretAccessKey: "otherSecret"), server: Self.server(allowed: nil))
        #expect(try await anyPrincipal(Self.request, MessageBody("x")).0.status == .ok)
    }

    @Test func assumedRoleCredentialsAreAcceptedThroughTheIssuerKey() async throws {
        let clock = TestClock(Self.now)
        let sts = STSFake(clock: clock)
        let provider = AssumeRoleCredentialsProvider(
            configuration: .init(roleArn: STSFake.roleArn, roleSessionName: "orders-1", stsEndpoint: URL(string: "http://sts.local:4566")!, allowInsecureHTTP: true),
            sourceCredentials: StaticCredentialsProvider(sts.sourceCredentials),
            transport: ClosureTransport { request, body in await sts.handle(request, body: body) },
            now: { clock.now }
        )
        let store = CompositeCredentialStore([
            Self.store,
            try IssuerSessionCredentialStore(keyText: sts.sealer.exportedKey, now: { clock.now }),
        ])
        let server = Self.server(store: store, now: { clock.now })
        let send = Self.client(provider, server: server)
        let (response, text) = try await send(Self.request, MessageBody("{}"))
        #expect(response.status == .ok)
        #expect(text.hasPrefix("role|arn:aws:sts::123456789012:assumed-role/orders/orders-1|ASIA"))

        // Past the credentials' expiry the service answers ExpiredToken.
        let credentials = try await provider.credentials()
        clock.advance(by: 3601)
        let signed = SigV4Signer(region: "us-east-1", service: "execute-api").sign(Self.request, credentials: credentials, date: clock.now)
        let (expired, expiredBody) = try await server(signed.request, MessageBody())
        #expect(expired.status == .unauthorized)
        #expect(String(decoding: try await expiredBody.collect(upTo: 1024), as: UTF8.self).contains("ExpiredToken"))
    }
}
