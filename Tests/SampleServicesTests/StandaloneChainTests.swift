import Foundation
import ServiceAuthTesting
import Testing

@Suite("Standalone executables")
struct StandaloneChainTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("serviceauth idp, inventory, orders and gateway as separate processes, wired with CONTRACT.md's flags")
    func separateProcesses() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["BIN_DIR"] = builtProductsDirectory.path
        let (status, output) = try await runProcess(
            ["/bin/bash", Self.packageRoot.appendingPathComponent("Scripts/run-chain.sh").path, "--check"],
            environment: environment, timeout: .seconds(120))
        #expect(status == 0, "\(output)")
        #expect(output.contains("user alice via gateway"))
        #expect(output.contains("chain OK"))
    }

    @Test("the same over mutual TLS + HTTP/2 with certificate files from serviceauth certs, and a bound token replayed from another workload is refused")
    func separateProcessesOverMutualTLS() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["BIN_DIR"] = builtProductsDirectory.path
        let (status, output) = try await runProcess(
            ["/bin/bash", Self.packageRoot.appendingPathComponent("Scripts/run-chain.sh").path, "--check", "--tls"],
            environment: environment, timeout: .seconds(120))
        #expect(status == 0, "\(output)")
        #expect(output.contains("https://127.0.0.1:"))
        #expect(output.contains("user alice via gateway"))
        #expect(output.contains("certificate_mismatch"))
        #expect(output.contains("refused at the handshake"))
        #expect(output.contains("chain OK"))
    }

    @Test("usage errors exit 2 and name the flag", arguments: [
        (["gateway"], "--issuer"),
        (["orders", "--port", "70000"], "--port"),
        (["inventory", "--credentials", "/nonexistent/creds.json"], "--credentials"),
        (["gateway", "--no-such-flag"], "--no-such-flag"),
        (["serviceauth", "demo", "--bogus"], "--bogus"),
        // An issuer without an audience decision would accept tokens minted for any client.
        (["gateway", "--issuer", "http://127.0.0.1:1/pool"], "--client-id"),
        (["orders", "--issuer", "http://127.0.0.1:1/pool"], "--client-id"),
        (["inventory", "--issuer", "http://127.0.0.1:1/pool"], "--client-id"),
        (["inventory", "--host-name", "a/b"], "--host-name"),
        (["gateway", "--tls-cert", "/tmp/x.pem"], "--tls-key"),
        (["orders", "--require-client-cert"], "--require-client-cert"),
        (["inventory", "--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"], "--tls-cert"),
        (["serviceauth", "idp", "--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"], "--tls-cert"),
        (["gateway", "--allowed-workload", "spiffe://demo.local/ns/demo/sa/web"], "--tls-ca"),
        (["serviceauth", "verify", "x.y.z", "--issuer", "https://issuer.example"], "--any-audience"),
    ])
    func usageErrors(arguments: [String], flag: String) async throws {
        let executable = builtProductsDirectory.appendingPathComponent(arguments[0]).path
        let (status, output) = try await runProcess([executable] + arguments.dropFirst(), timeout: .seconds(30))
        #expect(status == 2, "\(output)")
        #expect(output.contains(flag))
    }
}

@Suite("Sample service lifecycle")
struct SampleLifecycleTests {
    /// Starts an executable with output to a file; returns it and the file.
    func start(_ arguments: [String]) throws -> (Process, URL) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sample-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = builtProductsDirectory.appendingPathComponent(arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, output)
    }

    func waitForExit(_ process: Process, timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    @Test("SIGTERM stops a ready service with exit 0")
    func sigtermWhenReady() async throws {
        let (process, output) = try start(["inventory", "--port", "0"])
        var line = ""
        for _ in 0..<200 where !line.contains("listening on http://127.0.0.1:") {
            try await Task.sleep(for: .milliseconds(50))
            line = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }
        #expect(line.contains("listening on http://127.0.0.1:"))
        kill(process.processIdentifier, SIGTERM)
        #expect(await waitForExit(process) == 0)
    }

    @Test("a service whose issuer is down never announces itself, and still exits 0 on SIGTERM")
    func sigtermWhileNotReady() async throws {
        // Port 9 (discard) on loopback: nothing listens, so the JWKS can never load.
        let (process, output) = try start(["orders", "--port", "0", "--issuer", "http://127.0.0.1:9/pool", "--client-id", "gateway"])
        try await Task.sleep(for: .seconds(2))
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(!text.contains("listening on"))
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        #expect(await waitForExit(process) == 0)
    }
}
