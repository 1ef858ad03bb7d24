import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Testing

/// Real SigV4 clients nobody here wrote (botocore's `SigV4Auth`/`S3SigV4Auth`/`SigV4QueryAuth`
/// and `curl --aws-sigv4`) against the verifying middleware on a loopback server, driven by
/// `Tests/Interop/sigv4_clients.py`; and the signer compared with botocore's output.
@Suite("SigV4 interop with botocore and curl", .serialized)
struct SigV4InteropTests {
    static let script = SigV4TestSupport.packageRoot.appendingPathComponent("Tests/Interop/sigv4_clients.py").path
    static let longKey = ("AKIAINTEROPLONGTERM1", "interopLongTermSecret/0123456789abcdefghijk")
    static let tempKey = ("ASIAINTEROPTEMPORARY", "interopTemporarySecret/0123456789abcdefgh", "interop+session/token==")

    /// Answers 200 with the verified caller, so any path is "routed".
    struct EchoCaller: ServerMiddleware {
        func intercept(
            _ request: HTTPRequest,
            body: MessageBody,
            context: RequestContext,
            next: ServerNext
        ) async throws -> (HTTPResponse, MessageBody) {
            let caller = context.auth.caller
            let text = #"{"kind":"\#(caller?.kind.rawValue ?? "")","principal":"\#(caller?.principal ?? "")"}"#
            return Responses.text(text)
        }
    }

    static func middleware(service: String) -> [any ServerMiddleware] {
        let store = JSONFileCredentialStore(entries: [
            .init(accessKeyId: longKey.0, secretAccessKey: longKey.1, principal: "arn:aws:iam::123456789012:role/orders"),
            .init(
                accessKeyId: tempKey.0,
                secretAccessKey: tempKey.1,
                principal: "arn:aws:sts::123456789012:assumed-role/orders/interop",
                sessionToken: tempKey.2
            ),
        ])
        let verifier = SigV4Verifier(configuration: .init(region: "us-east-1", service: service, acceptedHosts: .anyHost), credentialStore: store)
        return [AuthenticationMiddleware(RouteSecurity([SigV4Authenticator(verifier: verifier)])), EchoCaller()]
    }

    /// Runs the script and returns its stdout.
    ///
    /// The child is waited for on a dedicated thread: blocking reads on Swift's cooperative
    /// pool (two threads on a 2-core machine) would starve the loopback server under test.
    static func runScript(_ arguments: [String], stdin: Data? = nil) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    continuation.resume(returning: try runScriptBlocking(arguments, stdin: stdin))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    private static func runScriptBlocking(_ arguments: [String], stdin: Data?) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let output = Pipe()
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("sigv4-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errors = try FileHandle(forWritingTo: errorFile)
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errors.close()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw ScriptFailure(status: process.terminationStatus, stderr: stderr)
        }
        return stdout
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        var status: Int32
        var stderr: String
        var description: String { "sigv4_clients.py exited \(status) (needs python3 with botocore, and curl): \(stderr)" }
    }

    struct Outcome: Decodable {
        var name: String
        var status: Int
        var code: String?
        var expected_status: Int
        var expected_code: String?
    }

    @Test func realClientsAreAcceptedAndTamperedRequestsRejected() async throws {
        let outcomes: [Outcome] = try await withTestServer(router: Router(), middleware: Self.middleware(service: "execute-api")) { std in
            try await withTestServer(router: Router(), middleware: Self.middleware(service: "s3")) { s3 in
                let config: [String: Any] = [
                    "std": std, "s3": s3, "region": "us-east-1",
                    "long": ["akid": Self.longKey.0, "secret": Self.longKey.1],
                    "temp": ["akid": Self.tempKey.0, "secret": Self.tempKey.1, "token": Self.tempKey.2],
                ]
                let json = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
                return try JSONDecoder().decode([Outcome].self, from: try await Self.runScript(["send", json]))
            }
        }
        #expect(outcomes.count >= 45)
        #expect(outcomes.filter { $0.expected_status == 200 }.count >= 25)
        #expect(outcomes.contains { $0.name.hasPrefix("curl-") && $0.expected_status == 200 })
        for outcome in outcomes {
            #expect(
                outcome.status == outcome.expected_status && outcome.code == outcome.expected_code,
                "\(outcome.name): got \(outcome.status) \(outcome.code ?? "-"), expected \(outcome.expected_status) \(outcome.expected_code ?? "-")"
            )
        }
    }

    struct Comparison: Encodable {
        var method: String
        var url: String
        var headers: [String: String]
        var body: String?
        var akid: String
        var secret: String
        var token: String?
        var region: String
        var service: String
        var timestamp: String
        var presign: Bool
        var s3: Bool
        var expires: Int
    }

    struct BotocoreSignature: Decodable {
        var signature: String
    }

    @Test func signerMatchesBotocore() async throws {
        let date = Date(timeIntervalSince1970: 1_764_028_800 + 3723)
        let timestamp = "20251125T010203Z"
        let awkwardQuery = "b=2&a=x%20y&a=1&emoji=%E2%98%83&caf%C3%A9=cr%C3%A8me&reserved=%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23&empty="
        var cases: [Comparison] = []
        for (token, akid, secret) in [(nil, Self.longKey.0, Self.longKey.1), (Self.tempKey.2, Self.tempKey.0, Self.tempKey.1)] as [(String?, String, String)] {
            func add(_ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil, service: String = "execute-api", presign: Bool = false, s3: Bool = false) {
                cases.append(Comparison(method: method, url: url, headers: headers, body: body, akid: akid, secret: secret, token: token, region: "eu-west-1", service: service, timestamp: timestamp, presign: presign, s3: s3, expires: 600))
            }
            add("GET", "https://api.example.com/items/42?\(awkwardQuery)")
            add("GET", "https://api.example.com:8443/with%20space/caf%C3%A9/./x/../y//z")
            add("POST", "https://api.example.com/orders?dry%20run=yes", headers: ["Content-Type": "application/json", "X-Custom": "  a   b  "], body: #"{"item":"café","quantity":3}"#)
            add("GET", "https://api.example.com/items/42?q=a%20b&caf%C3%A9=%E2%98%83", presign: true)
            add("PUT", "https://bucket.s3.example.com/with%20space/caf%C3%A9/./x", headers: ["Content-Type": "text/plain"], body: "hello", service: "s3", s3: true)
        }
        let botocore = try JSONDecoder().decode(
            [BotocoreSignature].self,
            from: try await Self.runScript(["compare"], stdin: try JSONEncoder().encode(cases))
        )
        try #require(botocore.count == cases.count)
        for (item, expected) in zip(cases, botocore) {
            var fields = HTTPFields()
            for (name, value) in item.headers { fields[HTTPField.Name(name)!] = value }
            let request = try #require(HTTPRequest(method: HTTPRequest.Method(item.method)!, urlString: item.url, headerFields: fields))
            let signer = SigV4Signer(configuration: .init(region: item.region, service: item.service))
            let credentials = AWSCredentials(accessKeyId: item.akid, secretAccessKey: item.secret, sessionToken: item.token)
            let body = Array((item.body ?? "").utf8)
            let ours: SigV4Signer.Result =
                item.presign
                ? try signer.presign(request, body: body, credentials: credentials, date: date, expires: item.expires)
                : signer.sign(request, body: body, credentials: credentials, date: date, payload: item.s3 ? .bodyHashHeader : .bodyHash)
            #expect(ours.signature == expected.signature, "\(item.method) \(item.url) token=\(item.token != nil)\n\(ours.canonicalRequest)")
        }
    }

    @Test func assumeRoleAndDelegationOverLoopback() async throws {
        let clock = TestClock(Date())
        let sts = STSFake(clock: clock)
        var router = Router()
        let handler: RouteHandler = { request, body, _ in
            let bytes = try await body.collect(upTo: 65_536)
            let (response, responseBody) = await sts.handle(request, body: bytes)
            return (response, MessageBody(responseBody))
        }
        router.get("/", handler)
        router.post("/", handler)
        try await withTestServer(router: router) { stsURL in
            let transport = AsyncHTTPTransport()
            let provider = AssumeRoleCredentialsProvider(
                configuration: .init(roleArn: STSFake.roleArn, roleSessionName: "loopback", stsEndpoint: URL(string: stsURL)!),
                sourceCredentials: StaticCredentialsProvider(sts.sourceCredentials),
                transport: transport,
                now: { clock.now }
            )
            let credentials = try await provider.credentials()
            #expect(credentials.sessionToken != nil)
            #expect(sts.calls("AssumeRole") == 1)

            let generator = STSDelegationTokenGenerator(configuration: .init(audience: "inventory", stsEndpoint: URL(string: stsURL)!))
            let verifier = STSDelegationVerifier(configuration: .init(audience: "inventory", stsEndpoint: URL(string: stsURL)!), transport: transport, now: { clock.now })
            let identity = try await verifier.verifyIdentity(try generator.token(credentials: credentials, date: clock.now))
            #expect(identity.principal == "arn:aws:sts::123456789012:assumed-role/orders/loopback")
            #expect(sts.calls("GetCallerIdentity") == 1)

            // A service trusting the issuer's sessions (its key handed over, never fetched).
            let store = try IssuerSessionCredentialStore(keyText: sts.sealer.exportedKey)
            #expect(try await store.credential(forAccessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken)?.principal
                == "arn:aws:sts::123456789012:assumed-role/orders/loopback")
        }
    }

    @Test func swiftSignerToSwiftVerifierOverLoopback() async throws {
        let clock = TestClock(Date())
        let sts = STSFake(clock: clock)
        var stsRouter = Router()
        stsRouter.post("/") { request, body, _ in
            let (response, bytes) = await sts.handle(request, body: try await body.collect(upTo: 65_536))
            return (response, MessageBody(bytes))
        }
        try await withTestServer(router: stsRouter) { stsURL in
            let store = CompositeCredentialStore([
                JSONFileCredentialStore(entries: [
                    .init(accessKeyId: Self.longKey.0, secretAccessKey: Self.longKey.1, principal: "arn:aws:iam::123456789012:role/orders"),
                    .init(accessKeyId: STSFake.userAccessKeyId, secretAccessKey: STSFake.userSecret, principal: STSFake.userArn),
                ]),
                try IssuerSessionCredentialStore(keyText: sts.sealer.exportedKey),
            ])
            let verifier = SigV4Verifier(configuration: .init(region: "us-east-1", service: "execute-api", acceptedHosts: .anyHost), credentialStore: store)
            let middleware: [any ServerMiddleware] = [
                AuthenticationMiddleware(RouteSecurity(
                    [SigV4Authenticator(verifier: verifier)], policy: .principals("arn:aws:iam::123456789012:role/orders"))),
                EchoCaller(),
            ]
            try await withTestServer(router: Router(), middleware: middleware) { baseURL in
                let signer = SigV4Signer(region: "us-east-1", service: "execute-api")
                let providers: [(any AWSCredentialsProvider, String)] = [
                    (StaticCredentialsProvider(accessKeyId: Self.longKey.0, secretAccessKey: Self.longKey.1), "arn:aws:iam::123456789012:role/orders"),
                    (
                        AssumeRoleCredentialsProvider(
                            configuration: .init(roleArn: STSFake.roleArn, roleSessionName: "loopback", stsEndpoint: URL(string: stsURL)!),
                            sourceCredentials: StaticCredentialsProvider(sts.sourceCredentials),
                            transport: AsyncHTTPTransport()
                        ),
                        "arn:aws:sts::123456789012:assumed-role/orders/loopback"
                    ),
                ]
                for (provider, principal) in providers {
                    let client = ServiceHTTPClient(middleware: [SigV4SigningMiddleware(signer: signer, credentialsProvider: provider)])
                    let (get, getBody) = try await client.get(baseURL + "/items/caf%C3%A9%20x/42?b=2&a=x%20y&a=1&e=%E2%98%83")
                    #expect(get.status == .ok)
                    #expect(String(decoding: getBody, as: UTF8.self).contains(principal))
                    let (post, postBody) = try await client.post(
                        baseURL + "/items/42/reserve",
                        body: Array(#"{"quantity":3,"note":"café"}"#.utf8),
                        headerFields: [.contentType: "application/json"]
                    )
                    #expect(post.status == .ok)
                    #expect(String(decoding: postBody, as: UTF8.self).contains(principal))
                }
                // Not allowed: a principal outside the policy gets 403 AccessDenied.
                let stranger = ServiceHTTPClient(middleware: [
                    SigV4SigningMiddleware(
                        signer: signer,
                        credentialsProvider: StaticCredentialsProvider(sts.sourceCredentials)
                    )
                ])
                let (denied, deniedBody) = try await stranger.get(baseURL + "/items/1")
                #expect(denied.status == .forbidden)
                #expect(String(decoding: deniedBody, as: UTF8.self).contains(#""error":"AccessDenied""#))
            }
        }
    }
}
