public import AsyncHTTPClient
public import Foundation
import ServiceAuthHTTP
public import ServiceAuthIdP

/// The throwaway PKI of `serviceauth demo --tls`: a CA made in-process at start (no openssl),
/// and a certificate per workload — the issuer, the three services, the demo's own client
/// (`web`) and a `rogue` workload whose certificate is valid but whose SPIFFE ID no service
/// allows. Written to a fresh temporary directory (keys mode 0600), removed by ``remove()``.
public struct DemoTLS: Sendable {
    /// The workloads that get a certificate.
    public static let workloads = ["issuer", "gateway", "orders", "inventory", "web", "rogue"]

    /// The directory holding `ca.pem` and `NAME.pem`/`NAME-key.pem` for every workload.
    public let directory: URL
    /// The CA.
    public let authority: LocalCertificateAuthority

    /// Makes the CA and the workload certificates.
    ///
    /// - Throws: ``LocalCertificateAuthorityError`` when they cannot be made or written.
    public static func make() throws -> DemoTLS {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serviceauth-demo-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let authority = try LocalCertificateAuthority(trustDomain: "demo.local", commonName: "serviceauth demo CA")
        try authority.write(to: directory)
        for name in workloads { try authority.issue(workload: name).write(to: directory) }
        return DemoTLS(directory: directory, authority: authority)
    }

    /// The SPIFFE ID of a workload.
    public func spiffeID(_ name: String) -> String { authority.defaultSPIFFEID(for: name) }

    /// The server flags of a workload: its certificate, the CA, client certificates required.
    ///
    /// - Throws: Never in practice (parsing no arguments).
    public func options(for name: String) throws -> TLSOptions {
        var options = try TLSOptions.parse([])
        options.certificate = path("\(name).pem")
        options.key = path("\(name)-key.pem")
        options.certificateAuthority = path("ca.pem")
        options.requireClientCertificate = true
        return options
    }

    /// An HTTP client trusting the demo CA that presents `name`'s certificate (none for `nil`);
    /// one per workload for the life of the process.
    ///
    /// - Throws: ``TLSConfigurationError`` for unusable files.
    public func client(as name: String?) throws -> HTTPClient {
        try processWideClient(for: ClientTLSConfiguration(
            trustRoots: .certificates(.file(path("ca.pem"))),
            certificateChain: name.map { .file(path("\($0).pem")) },
            privateKey: name.map { .file(path("\($0)-key.pem")) }))
    }

    /// Deletes the directory and the keys in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ file: String) -> String { directory.appendingPathComponent(file).path }
}
