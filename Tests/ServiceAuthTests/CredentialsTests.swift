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

    func sealedToken(_ sealer: SessionTokenSealer, accessKeyId: String = "ASIAISSUED", issuedAt: Date = now, expiration: Date) throws -> String {
        try sealer.seal(
            SessionTokenClaims(
                accessKeyId: accessKeyId,
                secretAccessKey: "issuedSecret",
                principal: "arn:aws:sts::123456789012:assumed-role/orders/s1",
                issuedAt: issuedAt,
                expiration: expiration
            )
        )
    }

    /// Writes `text` to a new owner-only file; returns its path.
    func keyFile(_ text: String, mode: Int = 0o600) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
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
        let expired = try sealedToken(sealer, issuedAt: Self.now.addingTimeInterval(-900), expiration: Self.now)
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

    @Test func issuerKeyFromTextAndKeyFile() async throws {
        let sealer = SessionTokenSealer.random()
        let token = try sealedToken(sealer, expiration: Self.now.addingTimeInterval(60))
        let rawFile = try keyFile(sealer.exportedKey + "\n")
        let jsonFile = try keyFile(#"{"key":"\#(sealer.exportedKey)"}"#)
        let readOnlyFile = try keyFile(sealer.exportedKey, mode: 0o400)
        defer {
            for path in [rawFile, jsonFile, readOnlyFile] { try? FileManager.default.removeItem(atPath: path) }
        }
        let stores: [IssuerSessionCredentialStore] = [
            try IssuerSessionCredentialStore(keyText: sealer.exportedKey, now: { Self.now }),
            try IssuerSessionCredentialStore(keyFile: rawFile, now: { Self.now }),
            try IssuerSessionCredentialStore(keyFile: jsonFile, now: { Self.now }),
            try IssuerSessionCredentialStore(keyFile: readOnlyFile, now: { Self.now }),
        ]
        for store in stores {
            #expect(try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: token)?.secretAccessKey == "issuedSecret")
        }
        for bad in ["", "abc", #"{"key":"abc"}"#, #"{"nokey":1}"#, Data(count: 16).base64EncodedString()] {
            #expect(throws: IssuerSessionCredentialStore.LoadError.self) { try IssuerSessionCredentialStore(keyText: bad) }
        }
        // The key is never fetched over the network: the URL form is gone.
        for source in ["http://issuer.local:9000", "https://issuer.local/local/sts-session-key", "/nonexistent/key", "/tmp"] {
            #expect(throws: IssuerSessionCredentialStore.LoadError.self) { try IssuerSessionCredentialStore(keyFile: source) }
        }
    }

    /// A session whose seal is valid but whose lifetime exceeds 12 h is refused: only the key
    /// holder could have minted it, and STS never issues one.
    @Test func sessionLongerThanTwelveHoursIsRefused() async throws {
        let sealer = SessionTokenSealer.random()
        let store = IssuerSessionCredentialStore(sealer: sealer, now: { Self.now })
        let overlong = try sealedToken(sealer, expiration: Self.now.addingTimeInterval(13 * 3600))
        await #expect(throws: SigV4Error.self) { try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: overlong) }
        do {
            _ = try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: overlong)
        } catch let error as SigV4Error {
            #expect(error.code == .invalidClientTokenId)
        }
        // Exactly 12 h is what STS may grant.
        let longest = try sealedToken(sealer, expiration: Self.now.addingTimeInterval(12 * 3600))
        #expect(try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: longest) != nil)
        // A smaller configured maximum applies too.
        let strict = IssuerSessionCredentialStore(sealer: sealer, configuration: .init(maxSessionDuration: .seconds(3600)), now: { Self.now })
        await #expect(throws: SigV4Error(.invalidClientTokenId, "the security token included in the request is invalid")) {
            try await strict.credential(forAccessKeyId: "ASIAISSUED", sessionToken: longest)
        }
    }

    /// `issuedAt` in the future (beyond the clock skew) or after the expiry cannot come from STS.
    @Test(arguments: [(301.0, 3600.0), (0, 0), (-60, -120)])
    func sessionIssuedInTheFutureOrNeverValidIsRefused(issuedIn: TimeInterval, expiresIn: TimeInterval) async throws {
        let sealer = SessionTokenSealer.random()
        let store = IssuerSessionCredentialStore(sealer: sealer, now: { Self.now })
        let token = try sealedToken(sealer, issuedAt: Self.now.addingTimeInterval(issuedIn), expiration: Self.now.addingTimeInterval(expiresIn))
        await #expect(throws: SigV4Error(.invalidClientTokenId, "the security token included in the request is invalid")) {
            try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: token)
        }
        // Within the skew it is accepted.
        let skewed = try sealedToken(sealer, issuedAt: Self.now.addingTimeInterval(299), expiration: Self.now.addingTimeInterval(3600))
        #expect(try await store.credential(forAccessKeyId: "ASIAISSUED", sessionToken: skewed) != nil)
    }

    /// The key file mints credentials: one that group or others may read is refused, as ssh
    /// refuses such a private key.
    @Test func keyFileReadableByOthersIsRefused() async throws {
        let sealer = SessionTokenSealer.random()
        for mode in [0o644, 0o640, 0o604, 0o620, 0o602] {
            let path = try keyFile(sealer.exportedKey + "\n", mode: mode)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: IssuerSessionCredentialStore.LoadError.self, "mode \(String(mode, radix: 8))") {
                try IssuerSessionCredentialStore(keyFile: path)
            }
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
        #expect(PrincipalPattern(testCase.1).matches(testCase.0) == testCase.2)
    }
}
