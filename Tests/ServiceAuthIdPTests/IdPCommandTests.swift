import Foundation
import Testing

/// The `serviceauth idp` executable as CONTRACT.md describes it: readiness line, exit 2 naming
/// the bad key, graceful exit 0 on SIGTERM.
@Suite(.serialized) struct IdPCommandTests {
    /// The `serviceauth` binary beside the test bundle (`swift build`/`swift test` build it).
    var executable: URL {
        get throws {
            let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("serviceauth")
            let candidates = [beside, packageRoot.appendingPathComponent(".build/debug/serviceauth")]
            return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "build the serviceauth executable first")
        }
    }

    @Test func invalidConfigurationExitsTwoNamingTheKey() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("idp-bad-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let json = """
            {"region":"us-east-1","userPoolId":"us-east-1_LOCAL","accountId":"123456789012",
             "resourceServers":[{"identifier":"orders","scopes":["read"]}],
             "clients":[{"clientId":"a","allowedScopes":["orders/read"]},{"clientId":"b","allowedScopes":["x/y"]}]}
            """
        try Data(json.utf8).write(to: file)
        let result = try await runProcess([try executable.path, "idp", "--config", file.path])
        #expect(result.status == 2)
        #expect(result.output.contains(#"clients[1].allowedScopes[0]: scope "x/y" is not defined by any resource server"#))
    }

    @Test func missingConfigurationFileExitsTwo() async throws {
        let result = try await runProcess([try executable.path, "idp", "--config", "/nonexistent/idp.json"])
        #expect(result.status == 2)
        #expect(result.output.contains("--config"))
    }

    @Test(arguments: [
        (["--port", "abc"], "--port"),
        (["--port", "70000"], "--port"),
        (["--issuer-base", "ftp://x"], "--issuer-base"),
    ])
    func badFlagsExitTwoNamingTheFlag(arguments: [String], flag: String) async throws {
        let result = try await runProcess([try executable.path, "idp"] + arguments)
        #expect(result.status == 2)
        #expect(result.output.contains(flag))
    }

    @Test(arguments: [
        (["--admin-token", ""], "--admin-token"),
        (["--admin-token", "short"], "--admin-token"),
        (["--session-key-file", "/nonexistent/directory/sts.key"], "--session-key-file"),
    ])
    func unsafeAdminSettingsExitTwoNamingTheFlag(arguments: [String], flag: String) async throws {
        let result = try await runProcess([try executable.path, "idp", "--port", "0"] + arguments, timeout: .seconds(30))
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains(flag))
    }

    /// With `--admin-token`, `/local/*` answers only a caller presenting it; the token never
    /// appears in the issuer's output.
    @Test func adminRoutesNeedTheAdminToken() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("idp-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("output")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }
        let token = "admin-\(UUID().uuidString)"

        let process = Process()
        process.executableURL = try executable
        process.arguments = ["idp", "--port", "0", "--admin-token", token]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let pid = process.processIdentifier
        defer { if process.isRunning { kill(pid, SIGKILL) } }

        var line: String?
        for _ in 0..<600 where line == nil {
            let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
            line = text.split(separator: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") }.map(String.init)
            if line == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let baseURL = String(try #require(line, "no readiness line").dropFirst("listening on ".count))

        func status(_ arguments: [String]) async throws -> String {
            try await runProcess(["/usr/bin/env", "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}"] + arguments).output
        }
        #expect(try await status(["-X", "POST", "\(baseURL)/local/rotate-keys"]) == "401")
        #expect(try await status(["-X", "POST", "-H", "Authorization: Bearer wrong-\(token)", "\(baseURL)/local/rotate-keys"]) == "401")
        #expect(try await status(["\(baseURL)/local/sts-session-key"]) == "401")
        #expect(try await status(["-X", "POST", "-H", "Authorization: Bearer \(token)", "\(baseURL)/local/rotate-keys"]) == "200")

        kill(pid, SIGTERM)
        process.waitUntilExit()
        #expect(!((try? String(contentsOf: outputURL, encoding: .utf8)) ?? "").contains(token))
    }

    @Test func servesUntilSIGTERMThenExitsZero() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("idp-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutURL = directory.appendingPathComponent("stdout")
        let keyURL = directory.appendingPathComponent("sts.key")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: stdoutURL)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = try executable
        process.arguments = ["idp", "--port", "0", "--session-key-file", keyURL.path]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let (exits, exit) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exit.yield(finished.terminationStatus)
            exit.finish()
        }
        try process.run()
        let pid = process.processIdentifier
        defer { if process.isRunning { kill(pid, SIGKILL) } }

        // Wait (bounded) for the readiness line.
        var line: String?
        for _ in 0..<600 where line == nil {
            let text = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
            line = text.split(separator: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") }.map(String.init)
            if line == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let baseURL = String(try #require(line, "no readiness line").dropFirst("listening on ".count))

        let key = try String(contentsOf: keyURL, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Data(base64Encoded: key)?.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: keyURL.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let health = try await runProcess(["/usr/bin/env", "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(baseURL)/healthz"])
        #expect(health.output == "200")
        let discovery = try await runProcess(["/usr/bin/env", "curl", "-sS", "\(baseURL)/us-east-1_LOCAL/.well-known/openid-configuration"])
        #expect(discovery.output.contains(#""issuer":"\#(baseURL)/us-east-1_LOCAL""#))

        // `serviceauth verify` accepts what `serviceauth idp` issues, and refuses a missing scope.
        let answer = try await runProcess([
            "/usr/bin/env", "curl", "-sS", "-u", "gateway:gateway-secret", "-d", "grant_type=client_credentials", "\(baseURL)/oauth2/token",
        ])
        let token = try #require(jsonObject(answer.output)["access_token"] as? String, "\(answer.output)")
        let issuer = "\(baseURL)/us-east-1_LOCAL"
        let verified = try await runProcess([
            try executable.path, "verify", token, "--issuer", issuer, "--client-id", "gateway", "--token-use", "access", "--scope", "orders/invoke",
        ])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains(#""client_id":"gateway""#))
        let refused = try await runProcess([try executable.path, "verify", token, "--issuer", issuer, "--client-id", "gateway", "--scope", "orders/read"])
        #expect(refused.status == 1)
        #expect(refused.output.contains(#""error":"missing_scope""#))

        kill(pid, SIGTERM)
        var status: Int32 = -1
        for await code in exits { status = code }
        #expect(status == 0)
    }
}
