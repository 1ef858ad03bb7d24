public import Foundation
public import ServiceAuth

/// A workload certificate issued by ``LocalCertificateAuthority``, with its private key.
///
/// Printing or dumping it never shows the private key.
public struct IssuedCertificate: Sendable, Hashable {
    /// The workload name (the certificate's common name; the file names' stem).
    public let name: String
    /// The SPIFFE ID in the certificate's URI SAN.
    public let spiffeID: String
    /// The certificate in PEM.
    public let certificatePEM: String
    /// The private key in PEM (PKCS #8, P-256). A secret.
    public let privateKeyPEM: String
    /// The certificate's DER encoding: what a TLS handshake delivers, and what RFC 8705's
    /// `x5t#S256` is the SHA-256 of.
    public let certificateDER: [UInt8]

    /// The certificate as the server would hand it to the route after a verified handshake.
    ///
    /// - Returns: The parsed certificate.
    /// - Throws: ``PeerCertificateError`` (not for a certificate this package issued).
    public func peerCertificate() throws -> PeerCertificate {
        try PeerCertificate(derEncoded: certificateDER)
    }

    /// Writes `NAME.pem` (mode `0644`) and `NAME-key.pem` (mode `0600`) into `directory`.
    ///
    /// - Parameter directory: An existing directory.
    /// - Throws: ``LocalCertificateAuthorityError`` naming the file that could not be written.
    public func write(to directory: URL) throws(LocalCertificateAuthorityError) {
        try LocalCertificateAuthority.write(certificatePEM, to: directory.appendingPathComponent("\(name).pem"), mode: 0o644)
        try LocalCertificateAuthority.write(privateKeyPEM, to: directory.appendingPathComponent("\(name)-key.pem"), mode: 0o600)
    }
}

extension IssuedCertificate: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The certificate's names, without the private key.
    public var description: String { "IssuedCertificate(name: \(name), spiffeID: \(spiffeID), privateKeyPEM: <redacted>)" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without the private key.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "spiffeID": spiffeID, "certificatePEM": certificatePEM], displayStyle: .struct)
    }
}
