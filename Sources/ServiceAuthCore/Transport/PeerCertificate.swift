import Crypto
public import Foundation
import X509

/// The client certificate a request's connection was authenticated with (mutual TLS), as the
/// TLS stack verified it against the server's trusted CA.
///
/// The server fills ``RequestContext/peerCertificate`` in only after the handshake verified the
/// chain; a value of this type is therefore a proved workload identity, not a claim. Its
/// ``thumbprintSHA256`` is what RFC 8705 binds access tokens to (`cnf.x5t#S256`).
public struct PeerCertificate: Sendable, Hashable {
    /// The certificate's DER encoding.
    public let derBytes: [UInt8]
    /// The base64url (unpadded) SHA-256 of ``derBytes``: RFC 8705's `x5t#S256`.
    public let thumbprintSHA256: String
    /// The SPIFFE ID (`spiffe://trust-domain/path`): the certificate's one `spiffe` URI SAN,
    /// as the X.509-SVID specification requires; `nil` when there is none or more than one.
    public let spiffeID: String?
    /// Every URI subject alternative name.
    public let uris: [String]
    /// Every DNS subject alternative name.
    public let dnsNames: [String]
    /// The subject distinguished name in RFC 4514 form (e.g. `CN=orders,O=demo`).
    public let subject: String
    /// When the certificate stops being valid.
    public let notValidAfter: Date

    /// Parses a DER-encoded X.509 certificate.
    ///
    /// - Parameter derBytes: The certificate, as the TLS handshake delivered it.
    /// - Throws: ``PeerCertificateError`` when the bytes are not a certificate or its subject
    ///   alternative names cannot be read.
    public init(derEncoded derBytes: [UInt8]) throws {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: derBytes)
        } catch {
            throw PeerCertificateError(reason: "not a DER-encoded X.509 certificate")
        }
        var uris: [String] = []
        var dnsNames: [String] = []
        do {
            let names: SubjectAlternativeNames = try certificate.extensions.subjectAlternativeNames ?? SubjectAlternativeNames()
            for name in names {
                switch name {
                case .uniformResourceIdentifier(let uri): uris.append(uri)
                case .dnsName(let dns): dnsNames.append(dns)
                default: continue
                }
            }
        } catch {
            throw PeerCertificateError(reason: "unreadable subject alternative names")
        }
        let spiffe = uris.filter { $0.lowercased().hasPrefix("spiffe://") }
        self.derBytes = derBytes
        self.thumbprintSHA256 = Base64URL.encode(Array(SHA256.hash(data: derBytes)))
        self.spiffeID = spiffe.count == 1 ? spiffe[0] : nil
        self.uris = uris
        self.dnsNames = dnsNames
        self.subject = certificate.subject.description
        self.notValidAfter = certificate.notValidAfter
    }

    /// The name a policy knows the workload by: the SPIFFE ID, else the first DNS name, else
    /// the subject.
    public var workloadName: String {
        spiffeID ?? dnsNames.first ?? subject
    }
}

/// A client certificate that could not be read.
public struct PeerCertificateError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public let reason: String
    /// A description naming the reason.
    public var description: String { "peer certificate: \(reason)" }
}
