import Foundation
import ServiceAuth
import Testing

/// `serviceauth certs`: the files `Scripts/run-chain.sh --tls` uses, and exit 2 naming the flag.
@Suite(.serialized) struct CertsCommandTests {
    var executable: String {
        get throws {
            let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("serviceauth")
            let candidates = [beside, packageRoot.appendingPathComponent(".build/debug/serviceauth")]
            return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "build the serviceauth executable first").path
        }
    }

    @Test func writesTheCAAndTheWorkloadsAndReusesTheCA() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)/tls")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let first = try await runProcess([try executable, "certs", "--dir", directory.path, "--workload", "gateway", "--workload", "orders"])
        #expect(first.status == 0, "\(first.output)")
        for (name, mode) in [("ca.pem", 0o644), ("ca-key.pem", 0o600), ("gateway.pem", 0o644), ("gateway-key.pem", 0o600), ("orders-key.pem", 0o600)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            #expect(attributes[.posixPermissions] as? Int == mode, "\(name)")
        }
        let ca = try String(contentsOf: directory.appendingPathComponent("ca.pem"), encoding: .utf8)
        // A second run adds a workload under the same CA.
        let second = try await runProcess([try executable, "certs", "--dir", directory.path, "--workload", "inventory"])
        #expect(second.status == 0, "\(second.output)")
        #expect(try String(contentsOf: directory.appendingPathComponent("ca.pem"), encoding: .utf8) == ca)
        let verified = try await runProcess(["/usr/bin/env", "openssl", "verify", "-CAfile", directory.appendingPathComponent("ca.pem").path,
                                             directory.appendingPathComponent("gateway.pem").path, directory.appendingPathComponent("inventory.pem").path])
        #expect(verified.status == 0, "\(verified.output)")
        let pem = try String(contentsOf: directory.appendingPathComponent("inventory.pem"), encoding: .utf8)
        let der = try #require(PEMBody.der(pem))
        #expect(try PeerCertificate(derEncoded: der).spiffeID == "spiffe://demo.local/ns/demo/sa/inventory")
        // Another trust domain cannot reuse this CA.
        let mismatch = try await runProcess([try executable, "certs", "--dir", directory.path, "--trust-domain", "other.local", "--workload", "x"])
        #expect(mismatch.status == 2)
        #expect(mismatch.output.contains("--trust-domain"))
    }

    @Test(arguments: [
        ([], "--workload"),
        (["--workload", "a", "--workload", "a"], "--workload"),
        (["--workload", "../etc"], "--workload"),
        (["--workload", "a", "--trust-domain", "Bad Domain"], "--trust-domain"),
    ])
    func usageErrorsExitTwoNamingTheFlag(arguments: [String], flag: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await runProcess([try executable, "certs", "--dir", directory.path] + arguments)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains(flag))
    }
}

/// The DER inside a one-certificate PEM.
enum PEMBody {
    static func der(_ pem: String) -> [UInt8]? {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Data(base64Encoded: body).map { Array($0) }
    }
}
