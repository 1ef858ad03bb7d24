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

    @Test("usage errors exit 2 and name the flag", arguments: [
        (["gateway"], "--issuer"),
        (["orders", "--port", "70000"], "--port"),
        (["inventory", "--credentials", "/nonexistent/creds.json"], "--credentials"),
        (["gateway", "--no-such-flag"], "--no-such-flag"),
        (["serviceauth", "demo", "--bogus"], "--bogus"),
    ])
    func usageErrors(arguments: [String], flag: String) async throws {
        let executable = builtProductsDirectory.appendingPathComponent(arguments[0]).path
        let (status, output) = try await runProcess([executable] + arguments.dropFirst(), timeout: .seconds(30))
        #expect(status == 2, "\(output)")
        #expect(output.contains(flag))
    }
}
