import Foundation
import HTTPTypes
import ServiceAuth
import Testing

@Suite("Credentials: providers and stores")
struct CredentialsTests {
    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    @Test func environmentProvider() async throws {
        let full = EnvironmentCredentialsProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "envtoken",
        ])
        #expect(try await full.credentials() == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "envsecret", sessionToken: "envtoken"))
        let noToken = EnvironmentCredentialsProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": ""])
        #expect(try await noToken.credentials().sessionToken == nil)
        for environment in [[:], ["AWS_ACCESS_KEY_ID": "AKIAENV"], ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s"]] {
            await #expect(throws: AWSCredentialsError.self) { try await EnvironmentCredentialsProvider(environment: environment).credentials() }
        }
        let fixed = StaticCredentialsProvider(accessKeyId: "AKIASTATIC", secretAccessKey: "s")
        #expect(try await fixed.credentials().accessKeyId == "AKIASTATIC")
    }

    @Test func jsonFileStore() async throws {
        let json = """
            [{"accessKeyId":"AKIAFILE1","secretAccessKey":"secret1","principal":"arn:aws:iam::123456789012:role/orders"},
             {"accessKeyId":"ASIAFILE2","secretAccessKey":"secret2","principal":"arn:aws:sts::123456789012:assumed-role/orders/s","sessionToken":"tok2"}]
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try JSONFileCredentialStore(contentsOfFile: path)
        #expect(store.count == 2)
        #expect(try await store.credential(forAccessKeyId: "AKIAFILE1", sessionToken: nil)?.principal == "arn:aws:iam::123456789012:role/orders")
        #expect(try await store.credential(forAccessKeyId: "ASIAFILE2", sessionToken: "tok2")?.secretAccessKey == "secret2")
        #expect(try await store.credential(forAccessKeyId: "AKIANOPE", sessionToken: nil) == nil)
        for (key, token) in [("ASIAFILE2", nil), ("ASIAFILE2", "tok3"), ("AKIAFILE1", "tok")] as [(String, String?)] {
            await #expect(throws: SigV4Error(.invalidClientTokenId, "the security token included in the request is invalid")) {
                try await store.credential(forAccessKeyId: key, sessionToken: token)
            }
        }
        #expect(!"\(store)".contains("secret1"))
    }

    static let badFiles = ["", "{}", "[{\"accessKeyId\":\"A\"}]", "[{\"accessKeyId\":\"\",\"secretAccessKey\":\"s\",\"principal\":\"p\"}]", "not json"]

    @Test("bad credential files are refused", arguments: badFiles)
    func badFile(_ text: String) {
        #expect(throws: JSONFileCredentialStore.LoadError.self) { try JSONFileCredentialStore(data: Data(text.utf8)) }
    }

    @Test func missingFileIsRefused() {
        #expect(throws: JSONFileCredentialStore.LoadError.self) { try JSONFileCredentialStore(contentsOfFile: "/nonexistent/creds.json") }
    }

    func sealedToken(_ sealer: SessionTokenSealer, accessKeyId: String = "ASIAISSUED", expiration: Date) throws -> String {
        try sealer.seal(
            SessionTokenClaims(
                accessKeyId: accessKeyId,
                secretAccessKey: "issuedSecret",
                principal: "arn:aws:sts::123456789012:assumed-role/orders/s1",
                expiration: expiration
            )
        )
    }

    @Test func issuerSessionStore() async throws {
        let sealer = SessionTokenSealer.random()
        let store = IssuerSessionCredentialStore(sealer: sealer, now: { Self.now })
        let token = try sealedToken(sealer, expiration: Self.now.addingTimeInterval(60))
        let credential = try #require(try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: token))
        #expect(credential.secretAccessKey == "issuedSecret")
        #expect(credential.principal == "arn:aws:sts::123456789012:assumed-role/orders/s1")
        #expect(credential.expiration == Self.now.addingTimeInterval(60))
        #expect(try await store.credential(forAccessKeyId: "AKIALONGTERM", sessionToken: nil) == nil)

        await #expect(throws: SigV4Error.self) { try await store.credential(forAccessKeyId: "ASIAOTHER", sessionToken: token) }
        let expired = try sealedToken(sealer, expiration: Self.now)
        do {
            _ = try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: expired)
            Issue.record("expired token accepted")
        } catch let error as SigV4Error {
            #expect(error.code == .expiredToken)
        }
        let foreign = try sealedToken(SessionTokenSealer.random(), expiration: Self.now.addingTimeInterval(60))
        for bad in [foreign, "", "SAT1.", "SAT1.AAAA", String(repeating: "x", count: 10_000), token + "x"] {
            do {
                _ = try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: bad)
                Issue.record("bad token accepted")
            } catch let error as SigV4Error {
                #expect(error.code == .invalidClientTokenId)
            }
        }
    }

    @Test func issuerKeyFromTextFileAndURL() async throws {
        let sealer = SessionTokenSealer.random()
        let token = try sealedToken(sealer, expiration: Self.now.addingTimeInterval(60))
        let directory = FileManager.default.temporaryDirectory
        let rawFile = directory.appendingPathComponent("key-\(UUID().uuidString)").path
        let jsonFile = directory.appendingPathComponent("key-\(UUID().uuidString).json").path
        try Data((sealer.exportedKey + "\n").utf8).write(to: URL(fileURLWithPath: rawFile))
        try Data(#"{"key":"\#(sealer.exportedKey)"}"#.utf8).write(to: URL(fileURLWithPath: jsonFile))
        defer {
            try? FileManager.default.removeItem(atPath: rawFile)
            try? FileManager.default.removeItem(atPath: jsonFile)
        }
        let served = ClosureTransport { request, _ in
            guard request.path == "/local/sts-session-key", request.authority == "issuer.local:9000" else {
                return (HTTPResponse(status: .notFound), [])
            }
            return (HTTPResponse(status: .ok), Array(#"{"key":"\#(sealer.exportedKey)"}"#.utf8))
        }
        let stores: [IssuerSessionCredentialStore] = [
            try IssuerSessionCredentialStore(keyText: sealer.exportedKey, now: { Self.now }),
            try await .load(from: rawFile, transport: nil, now: { Self.now }),
            try await .load(from: jsonFile, transport: nil, now: { Self.now }),
            try await .load(from: "http://issuer.local:9000", transport: served, now: { Self.now }),
            try await .load(from: "http://issuer.local:9000/", transport: served, now: { Self.now }),
            try await .load(from: "http://issuer.local:9000/local/sts-session-key", transport: served, now: { Self.now }),
        ]
        for store in stores {
            #expect(try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: token)?.secretAccessKey == "issuedSecret")
        }
        for bad in ["", "abc", #"{"key":"abc"}"#, #"{"nokey":1}"#, Data(count: 16).base64EncodedString()] {
            #expect(throws: IssuerSessionCredentialStore.LoadError.self) { try IssuerSessionCredentialStore(keyText: bad) }
        }
        await #expect(throws: IssuerSessionCredentialStore.LoadError.self) {
            try await IssuerSessionCredentialStore.load(from: "http://issuer.local:9001", transport: served)
        }
        await #expect(throws: IssuerSessionCredentialStore.LoadError.self) {
            try await IssuerSessionCredentialStore.load(from: "/nonexistent/key", transport: nil)
        }
    }

    @Test func compositeStoreAsksInOrder() async throws {
        let sealer = SessionTokenSealer.random()
        let token = try sealedToken(sealer, expiration: Self.now.addingTimeInterval(60))
        let store = CompositeCredentialStore([
            JSONFileCredentialStore(entries: [.init(accessKeyId: "AKIAFILE", secretAccessKey: "fileSecret", principal: "arn:aws:iam::1:role/a")]),
            IssuerSessionCredentialStore(sealer: sealer, now: { Self.now }),
        ])
        #expect(try await store.credential(forAccessKeyId: "AKIAFILE", sessionToken: nil)?.secretAccessKey == "fileSecret")
        #expect(try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: token)?.secretAccessKey == "issuedSecret")
        #expect(try await store.credential(forAccessKeyId: "AKIANONE", sessionToken: nil) == nil)
        await #expect(throws: SigV4Error.self) { try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: "garbage") }
    }

    static let principalCases: [(String, String, Bool)] = [
        ("arn:aws:iam::123456789012:role/orders", "arn:aws:iam::123456789012:role/orders", true),
        ("arn:aws:sts::123456789012:assumed-role/orders/session-1", "arn:aws:iam::123456789012:role/orders", true),
        ("arn:aws:sts::123456789012:assumed-role/orders/session-1", "arn:aws:iam::123456789012:role/service/orders", true),
        ("arn:aws:sts::999999999999:assumed-role/orders/session-1", "arn:aws:iam::123456789012:role/orders", false),
        ("arn:aws:sts::123456789012:assumed-role/orders-admin/s", "arn:aws:iam::123456789012:role/orders", false),
        ("arn:aws:sts::123456789012:assumed-role/orders/", "arn:aws:iam::123456789012:role/orders", false),
        ("arn:aws:sts::123456789012:assumed-role/orders/a/b", "arn:aws:iam::123456789012:role/orders", false),
        ("arn:aws:iam::123456789012:user/orders", "arn:aws:iam::123456789012:role/orders", false),
        ("arn:aws:iam::123456789012:role/ordersx", "arn:aws:iam::123456789012:role/orders", false),
        ("arn:aws:iam::123456789012:role/orders-1", "arn:aws:iam::123456789012:role/orders-*", true),
        ("arn:aws-cn:sts::123456789012:assumed-role/orders/s", "arn:aws:iam::123456789012:role/orders", false),
    ]

    @Test("allowed principals", arguments: principalCases)
    func principalMatching(_ testCase: (String, String, Bool)) {
        #expect(SigV4AuthenticatorMiddleware.principal(testCase.0, isAllowedBy: testCase.1) == testCase.2)
    }
}
