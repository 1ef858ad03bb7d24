import ArgumentParser
import Foundation
import ServiceAuthIdP

/// `serviceauth certs --dir DIR [--trust-domain D] --workload NAME…`: a local CA and workload
/// certificates for mutual TLS between the local services (`Scripts/run-chain.sh --tls`).
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Write a local CA and workload certificates for mutual TLS.",
        discussion: """
            Writes ca.pem and ca-key.pem (mode 0600) unless DIR already holds them, then for each \
            --workload NAME: NAME.pem and NAME-key.pem (mode 0600), a certificate for both TLS \
            client and server use with the SPIFFE ID spiffe://TRUST-DOMAIN/ns/demo/sa/NAME and the \
            names localhost and 127.0.0.1. For development and test networks only.
            """
    )

    @Option(help: ArgumentHelp("The directory to write to (created if missing).", valueName: "dir"))
    var dir: String

    @Option(name: .customLong("trust-domain"), help: "The SPIFFE trust domain.")
    var trustDomain: String = "demo.local"

    @Option(name: .customLong("workload"), help: ArgumentHelp("A workload to issue a certificate for; repeatable.", valueName: "name"))
    var workloads: [String] = []

    func run() async throws {
        guard !workloads.isEmpty else { Self.fail("--workload: give at least one workload name") }
        if let repeated = workloads.first(where: { name in workloads.filter { $0 == name }.count > 1 }) {
            Self.fail("--workload: \(repeated) is given twice")
        }
        let directory = URL(fileURLWithPath: dir, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            Self.fail("--dir: cannot create \(dir)")
        }
        let authority = loadOrCreateAuthority(in: directory)
        for name in workloads {
            let issued: IssuedCertificate
            do {
                issued = try authority.issue(workload: name)
            } catch {
                Self.fail("--workload: \(error.description)")
            }
            do {
                try issued.write(to: directory)
            } catch {
                Self.fail("--dir: \(error.description)")
            }
            print("\(issued.spiffeID): \(directory.appendingPathComponent("\(name).pem").path), \(directory.appendingPathComponent("\(name)-key.pem").path)")
        }
    }

    /// The CA already in `directory` (so adding a workload keeps the trust every service has),
    /// or a new one written there.
    private func loadOrCreateAuthority(in directory: URL) -> LocalCertificateAuthority {
        let certificateFile = directory.appendingPathComponent("ca.pem")
        let keyFile = directory.appendingPathComponent("ca-key.pem")
        let manager = FileManager.default
        switch (manager.fileExists(atPath: certificateFile.path), manager.fileExists(atPath: keyFile.path)) {
        case (true, true):
            guard let certificate = try? String(contentsOf: certificateFile, encoding: .utf8),
                let key = try? String(contentsOf: keyFile, encoding: .utf8)
            else { Self.fail("--dir: cannot read \(certificateFile.path) and \(keyFile.path)") }
            do {
                let authority = try LocalCertificateAuthority(certificatePEM: certificate, privateKeyPEM: key)
                guard authority.trustDomain == trustDomain else {
                    Self.fail("--trust-domain: the CA in \(dir) is for \(authority.trustDomain)")
                }
                return authority
            } catch {
                Self.fail("--dir: \(error.description)")
            }
        case (false, false):
            let authority: LocalCertificateAuthority
            do {
                authority = try LocalCertificateAuthority(trustDomain: trustDomain)
            } catch {
                Self.fail("--trust-domain: \(error.description)")
            }
            do {
                try authority.write(to: directory)
            } catch {
                Self.fail("--dir: \(error.description)")
            }
            print("CA for \(trustDomain): \(certificateFile.path), \(keyFile.path)")
            return authority
        default:
            Self.fail("--dir: \(dir) holds only one of ca.pem and ca-key.pem")
        }
    }

    /// Prints a usage error naming the bad flag and exits 2 (CONTRACT.md).
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("serviceauth certs: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
