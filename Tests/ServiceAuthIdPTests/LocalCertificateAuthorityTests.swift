import Crypto
import Foundation
import ServiceAuth
import Testing
@testable import ServiceAuthIdP

/// The in-process CA's output, checked by OpenSSL (an independent X.509 implementation) and
/// read back with `PeerCertificate`, as the server will read it after a handshake.
@Suite struct LocalCertificateAuthorityTests {
    /// A fresh directory holding the CA and one leaf; removed by the caller.
    func written(_ authority: LocalCertificateAuthority, _ leaves: [IssuedCertificate]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try authority.write(to: directory)
        for leaf in leaves { try leaf.write(to: directory) }
        return directory
    }

    func openssl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runProcess(["/usr/bin/env", "openssl"] + arguments, timeout: .seconds(30))
    }

    @Test func openSSLVerifiesTheLeafAndReadsTheExtensions() async throws {
        let authority = try LocalCertificateAuthority(trustDomain: "demo.local")
        let leaf = try authority.issue(workload: "orders")
        let directory = try written(authority, [leaf])
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem").path
        let leafFile = directory.appendingPathComponent("orders.pem").path

        let verified = try await openssl(["verify", "-CAfile", ca, "-purpose", "sslclient", leafFile])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("OK"))
        #expect(try await openssl(["verify", "-CAfile", ca, "-purpose", "sslserver", leafFile]).status == 0)

        let caText = try await openssl(["x509", "-in", ca, "-noout", "-text"]).output
        #expect(caText.contains("CA:TRUE"))
        #expect(caText.contains("Certificate Sign"))
        #expect(caText.contains("X509v3 Subject Key Identifier"))
        #expect(caText.contains("ecdsa-with-SHA256"))
        #expect(caText.contains("prime256v1") || caText.contains("P-256"))

        let leafText = try await openssl(["x509", "-in", leafFile, "-noout", "-text"]).output
        #expect(leafText.contains("CA:FALSE"))
        #expect(leafText.contains("Digital Signature"))
        #expect(!leafText.contains("Certificate Sign"))
        #expect(leafText.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(leafText.contains("URI:spiffe://demo.local/ns/demo/sa/orders"))
        #expect(leafText.contains("DNS:localhost"))
        #expect(leafText.contains("IP Address:127.0.0.1"))
        #expect(leafText.contains("X509v3 Authority Key Identifier"))
        #expect(leafText.contains("X509v3 Subject Key Identifier"))

        // The key file is the leaf's key.
        let keyPublic = try await openssl(["pkey", "-in", directory.appendingPathComponent("orders-key.pem").path, "-pubout"]).output
        let certificatePublic = try await openssl(["x509", "-in", leafFile, "-noout", "-pubkey"]).output
        #expect(!keyPublic.isEmpty && keyPublic == certificatePublic)
    }

    @Test func anotherCAsLeafAndAnExpiredLeafDoNotVerify() async throws {
        let authority = try LocalCertificateAuthority(trustDomain: "demo.local")
        let stranger = try LocalCertificateAuthority(trustDomain: "demo.local")
        let foreign = try stranger.issue(workload: "orders")
        let expired = try authority.issue(
            workload: "stale", notValidBefore: Date().addingTimeInterval(-7200), notValidAfter: Date().addingTimeInterval(-3600))
        let directory = try written(authority, [foreign, expired])
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem").path
        let foreignResult = try await openssl(["verify", "-CAfile", ca, directory.appendingPathComponent("orders.pem").path])
        #expect(foreignResult.status != 0)
        let expiredResult = try await openssl(["verify", "-CAfile", ca, directory.appendingPathComponent("stale.pem").path])
        #expect(expiredResult.status != 0)
        #expect(expiredResult.output.contains("expired"))
    }

    @Test func peerCertificateReadsTheWorkloadBack() throws {
        let authority = try LocalCertificateAuthority(trustDomain: "demo.local")
        let leaf = try authority.issue(workload: "gateway", dnsNames: ["localhost", "gateway.demo"], ipAddresses: ["127.0.0.1", "::1"])
        let peer = try leaf.peerCertificate()
        #expect(peer.spiffeID == "spiffe://demo.local/ns/demo/sa/gateway")
        #expect(leaf.spiffeID == peer.spiffeID)
        #expect(peer.dnsNames == ["localhost", "gateway.demo"])
        #expect(peer.subject == "CN=gateway,O=demo.local")
        #expect(peer.thumbprintSHA256 == Base64URL.encode(Array(SHA256.hash(data: leaf.certificateDER))))
        #expect(leaf.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(leaf.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(authority.caCertificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
    }

    @Test func privateKeysAreWrittenOwnerOnlyAndNeverPrinted() throws {
        let authority = try LocalCertificateAuthority()
        let leaf = try authority.issue(workload: "orders")
        let directory = try written(authority, [leaf])
        defer { try? FileManager.default.removeItem(at: directory) }
        func mode(_ name: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.posixPermissions] as? Int)
        }
        #expect(try mode("ca-key.pem") == 0o600)
        #expect(try mode("orders-key.pem") == 0o600)
        #expect(try mode("ca.pem") == 0o644)
        #expect(try mode("orders.pem") == 0o644)
        let keyBody = leaf.privateKeyPEM.split(separator: "\n")[1]
        for text in ["\(leaf)", String(reflecting: leaf), "\(authority)", String(reflecting: authority)] {
            #expect(!text.contains(keyBody))
            #expect(!text.contains(authority.caPrivateKeyPEM.split(separator: "\n")[1]))
        }
    }

    @Test func aWrittenCAIsLoadedBackAndKeepsIssuing() async throws {
        let authority = try LocalCertificateAuthority(trustDomain: "corp.test")
        let loaded = try LocalCertificateAuthority(certificatePEM: authority.caCertificatePEM, privateKeyPEM: authority.caPrivateKeyPEM)
        #expect(loaded.trustDomain == "corp.test")
        let directory = try written(authority, [try loaded.issue(workload: "later")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await openssl(["verify", "-CAfile", directory.appendingPathComponent("ca.pem").path, directory.appendingPathComponent("later.pem").path])
        #expect(result.status == 0, "\(result.output)")
        // Someone else's key with this certificate is refused.
        let other = try LocalCertificateAuthority(trustDomain: "corp.test")
        #expect(throws: LocalCertificateAuthorityError.self) {
            _ = try LocalCertificateAuthority(certificatePEM: authority.caCertificatePEM, privateKeyPEM: other.caPrivateKeyPEM)
        }
        // A leaf is not a CA.
        let leaf = try authority.issue(workload: "x")
        #expect(throws: LocalCertificateAuthorityError.self) {
            _ = try LocalCertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
    }

    @Test(arguments: ["", "../x", "a/b", "ca", "ca-key", "sp ace"])
    func badWorkloadNamesAreRefused(name: String) throws {
        let authority = try LocalCertificateAuthority()
        #expect(throws: LocalCertificateAuthorityError.self) { _ = try authority.issue(workload: name) }
    }

    @Test func badTrustDomainsSPIFFEIDsAndAddressesAreRefused() throws {
        #expect(throws: LocalCertificateAuthorityError.self) { _ = try LocalCertificateAuthority(trustDomain: "Demo.Local") }
        #expect(throws: LocalCertificateAuthorityError.self) { _ = try LocalCertificateAuthority(trustDomain: "demo/local") }
        let authority = try LocalCertificateAuthority(trustDomain: "demo.local")
        #expect(throws: LocalCertificateAuthorityError.self) { _ = try authority.issue(workload: "a", spiffeID: "spiffe://other.local/ns/demo/sa/a") }
        #expect(throws: LocalCertificateAuthorityError.self) { _ = try authority.issue(workload: "a", spiffeID: "spiffe://demo.local/ns/../a") }
        #expect(throws: LocalCertificateAuthorityError.self) { _ = try authority.issue(workload: "a", ipAddresses: ["localhost"]) }
    }
}
