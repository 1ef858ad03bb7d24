import Foundation
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthIdP
import ServiceAuthTesting

/// Certificates for the TLS tests, made in-process by the local CA and written to a fresh
/// directory: a server certificate, a good client, an expired client, and a client signed by
/// another CA.
struct TLSFixture {
    let directory: URL
    let authority: LocalCertificateAuthority
    let client: IssuedCertificate

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("serviceauth-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        authority = try LocalCertificateAuthority(trustDomain: "tls.test")
        try authority.write(to: directory)
        try authority.issue(workload: "server").write(to: directory)
        client = try authority.issue(workload: "client")
        try client.write(to: directory)
        let now = Date()
        try authority.issue(
            workload: "expired", notValidBefore: now.addingTimeInterval(-7200), notValidAfter: now.addingTimeInterval(-3600)
        ).write(to: directory)
        try LocalCertificateAuthority(trustDomain: "tls.test", commonName: "another CA").issue(workload: "stranger").write(to: directory)
    }

    func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    /// The server's TLS: the fixture's server certificate; client certificates as asked.
    func server(clientCertificates: TLSServerConfiguration.ClientCertificates) -> TLSServerConfiguration {
        TLSServerConfiguration(
            certificateChain: .file(path("server.pem")), privateKey: .file(path("server-key.pem")),
            clientCertificateAuthorities: clientCertificates == .none ? nil : .file(path("ca.pem")),
            clientCertificates: clientCertificates)
    }

    /// curl arguments presenting `workload`'s certificate (nothing for `nil`) and trusting the CA.
    func curlIdentity(_ workload: String?) -> [String] {
        var arguments = ["--cacert", path("ca.pem")]
        if let workload { arguments += ["--cert", path("\(workload).pem"), "--key", path("\(workload)-key.pem")] }
        return arguments
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Runs curl (`-sS`, bounded) and returns its exit status and output.
func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await runProcess(["/usr/bin/env", "curl", "-sS", "--max-time", "10"] + arguments, timeout: .seconds(30))
}
