public import Foundation
import Crypto
import ServiceAuth
import SwiftASN1
public import X509
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A throwaway certificate authority made in-process, for mutual TLS between local services:
/// a self-signed P-256 CA that issues SPIFFE X.509-SVID-shaped workload certificates — no
/// `openssl`, no files unless asked for.
///
/// ```swift
/// let ca = try LocalCertificateAuthority(trustDomain: "demo.local")
/// let orders = try ca.issue(workload: "orders")     // spiffe://demo.local/ns/demo/sa/orders
/// try ca.write(to: directory)                       // ca.pem, ca-key.pem (0600)
/// try orders.write(to: directory)                   // orders.pem, orders-key.pem (0600)
/// ```
///
/// The CA is what every service trusts for client certificates (`--tls-ca`), so a workload's
/// SPIFFE ID is as good as this CA's private key: it lives in memory, and on disk only with
/// mode `0600`. It is for development and test networks, like the local issuer.
public struct LocalCertificateAuthority: Sendable {
    /// The SPIFFE trust domain of the workloads it issues for (e.g. `demo.local`).
    public let trustDomain: String
    /// The CA's self-signed certificate.
    public let certificate: Certificate
    private let privateKey: P256.Signing.PrivateKey

    /// Creates a new CA with a fresh P-256 key.
    ///
    /// - Parameters:
    ///   - trustDomain: The SPIFFE trust domain (lower-case letters, digits, `-`, `.`, `_`).
    ///   - commonName: The CA's subject common name.
    ///   - validity: How long the CA certificate is valid, from 5 minutes ago (clock skew).
    ///   - now: The current time; injectable for tests.
    /// - Throws: ``LocalCertificateAuthorityError`` for a bad trust domain or name.
    public init(
        trustDomain: String = "demo.local",
        commonName: String = "serviceauth local CA",
        validity: Duration = .seconds(365 * 86400),
        now: Date = Date()
    ) throws(LocalCertificateAuthorityError) {
        guard Self.isTrustDomain(trustDomain) else {
            throw LocalCertificateAuthorityError("trust domain \"\(trustDomain)\" is not lower-case letters, digits, \"-\", \".\" or \"_\"")
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let notValidBefore = now.addingTimeInterval(-300)
        do {
            let name = try DistinguishedName {
                OrganizationName(trustDomain)
                CommonName(commonName)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
            }
            certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: notValidBefore, notValidAfter: now.addingTimeInterval(validity.timeInterval),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key))
        } catch {
            throw LocalCertificateAuthorityError("cannot build the CA certificate")
        }
        self.trustDomain = trustDomain
        self.privateKey = key
    }

    /// Loads a CA written before by ``write(to:)`` (`ca.pem` and `ca-key.pem`), to issue more
    /// workload certificates under the same trust.
    ///
    /// - Parameters:
    ///   - certificatePEM: The CA certificate.
    ///   - privateKeyPEM: The CA's P-256 private key (PKCS #8 or SEC 1 PEM).
    /// - Throws: ``LocalCertificateAuthorityError`` when either cannot be read, the key does not
    ///   belong to the certificate, or the certificate is not a CA with a trust domain.
    public init(certificatePEM: String, privateKeyPEM: String) throws(LocalCertificateAuthorityError) {
        let certificate: Certificate
        let key: P256.Signing.PrivateKey
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw LocalCertificateAuthorityError("the CA certificate is not a PEM certificate")
        }
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw LocalCertificateAuthorityError("the CA key is not a PEM P-256 private key")
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw LocalCertificateAuthorityError("the CA key does not belong to the CA certificate")
        }
        guard case .isCertificateAuthority? = try? certificate.extensions.basicConstraints else {
            throw LocalCertificateAuthorityError("the certificate is not a CA certificate")
        }
        let organization = certificate.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.organizationName }
        guard let domain = organization.flatMap({ String($0.value) }), Self.isTrustDomain(domain) else {
            throw LocalCertificateAuthorityError("the CA certificate names no trust domain (O=)")
        }
        self.certificate = certificate
        self.privateKey = key
        self.trustDomain = domain
    }

    /// The CA certificate in PEM: the file services trust for client certificates (`--tls-ca`).
    public var caCertificatePEM: String {
        // Serialising a certificate this type built or parsed cannot fail.
        (try? certificate.serializeAsPEM().pemString) ?? ""
    }

    /// The CA's private key in PEM (PKCS #8). A secret: whoever holds it can mint any workload.
    public var caPrivateKeyPEM: String { privateKey.pemRepresentation }

    /// The SPIFFE ID a workload gets by default: `spiffe://TRUST-DOMAIN/ns/demo/sa/NAME`.
    ///
    /// - Parameter name: The workload name.
    /// - Returns: The SPIFFE ID.
    public func defaultSPIFFEID(for name: String) -> String { "spiffe://\(trustDomain)/ns/demo/sa/\(name)" }

    /// Issues a workload certificate usable for both ends of mutual TLS.
    ///
    /// The leaf is an X.509-SVID: not a CA, `digitalSignature` only (critical), extended key
    /// usage `serverAuth` and `clientAuth`, one `spiffe://` URI SAN beside the DNS and IP SANs,
    /// subject and authority key identifiers, subject `CN=NAME, O=TRUST-DOMAIN`.
    ///
    /// - Parameters:
    ///   - name: The workload name (letters, digits, `-`, `.`, `_`): the common name and the
    ///     default SPIFFE ID's last segment.
    ///   - spiffeID: The SPIFFE ID; default ``defaultSPIFFEID(for:)``. Must be in this CA's
    ///     trust domain.
    ///   - dnsNames: DNS SANs; default `localhost`.
    ///   - ipAddresses: IP SANs (IPv4 or IPv6 text); default `127.0.0.1`.
    ///   - notValidBefore: Start of validity; default 5 minutes ago (clock skew).
    ///   - notValidAfter: End of validity; default 90 days from now. A date in the past makes an
    ///     expired certificate, for tests.
    ///   - now: The current time for the defaults; injectable for tests.
    /// - Returns: The certificate and its new private key.
    /// - Throws: ``LocalCertificateAuthorityError`` for a bad name, SPIFFE ID or address.
    public func issue(
        workload name: String,
        spiffeID: String? = nil,
        dnsNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1"],
        notValidBefore: Date? = nil,
        notValidAfter: Date? = nil,
        now: Date = Date()
    ) throws(LocalCertificateAuthorityError) -> IssuedCertificate {
        guard Self.isWorkloadName(name) else {
            throw LocalCertificateAuthorityError("workload name \"\(name)\" is not letters, digits, \"-\", \".\" or \"_\"")
        }
        let id = spiffeID ?? defaultSPIFFEID(for: name)
        guard id.hasPrefix("spiffe://\(trustDomain)/"), SPIFFEIDPattern(id).isValid, !id.contains("*") else {
            throw LocalCertificateAuthorityError("\"\(id)\" is not a SPIFFE ID in the trust domain \(trustDomain)")
        }
        var names: [GeneralName] = [.uniformResourceIdentifier(id)]
        names += dnsNames.map { GeneralName.dnsName($0) }
        for address in ipAddresses {
            guard let bytes = IPAddressBytes.parse(address) else {
                throw LocalCertificateAuthorityError("\"\(address)\" is not an IP address")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let leaf: Certificate
        do {
            let caKeyIdentifier = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
                ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: caKeyIdentifier)
            }
            leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: notValidBefore ?? now.addingTimeInterval(-300),
                notValidAfter: notValidAfter ?? now.addingTimeInterval(90 * 86400),
                issuer: certificate.subject,
                subject: try DistinguishedName {
                    OrganizationName(trustDomain)
                    CommonName(name)
                },
                signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(privateKey))
        } catch {
            throw LocalCertificateAuthorityError("cannot build the certificate of \(name)")
        }
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(leaf)
            return IssuedCertificate(
                name: name, spiffeID: id, certificatePEM: try leaf.serializeAsPEM().pemString,
                privateKeyPEM: key.pemRepresentation, certificateDER: serializer.serializedBytes)
        } catch {
            throw LocalCertificateAuthorityError("cannot encode the certificate of \(name)")
        }
    }

    /// Writes `ca.pem` (mode `0644`) and `ca-key.pem` (mode `0600`) into `directory`.
    ///
    /// - Parameter directory: An existing directory.
    /// - Throws: ``LocalCertificateAuthorityError`` naming the file that could not be written.
    public func write(to directory: URL) throws(LocalCertificateAuthorityError) {
        try Self.write(caCertificatePEM, to: directory.appendingPathComponent("ca.pem"), mode: 0o644)
        try Self.write(caPrivateKeyPEM, to: directory.appendingPathComponent("ca-key.pem"), mode: 0o600)
    }

    static func write(_ text: String, to file: URL, mode: mode_t) throws(LocalCertificateAuthorityError) {
        guard FileWriting.write(Array(text.utf8), toFile: file.path, mode: mode) else {
            throw LocalCertificateAuthorityError("cannot write \(file.path)")
        }
    }

    /// SPIFFE: a trust domain is lower-case letters, digits, `-`, `.` and `_`.
    static func isTrustDomain(_ value: String) -> Bool {
        !value.isEmpty && value.count <= 255
            && value.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-._".contains($0)) }
    }

    /// A workload name: one SPIFFE path segment, also a safe file name.
    static func isWorkloadName(_ value: String) -> Bool {
        // `ca` and `ca-key` would overwrite the CA's own files.
        !value.isEmpty && value.count <= 64 && value != "." && value != ".." && value != "ca" && value != "ca-key"
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
    }
}

extension LocalCertificateAuthority: CustomStringConvertible, CustomReflectable {
    /// The trust domain and the CA's subject, without the private key.
    public var description: String { "LocalCertificateAuthority(trustDomain: \(trustDomain), subject: \(certificate.subject))" }
    /// A mirror without the private key.
    public var customMirror: Mirror {
        Mirror(self, children: ["trustDomain": trustDomain, "certificate": certificate], displayStyle: .struct)
    }
}

/// Why a certificate could not be made, loaded or written (never contains key material).
public struct LocalCertificateAuthorityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public let reason: String

    init(_ reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}
