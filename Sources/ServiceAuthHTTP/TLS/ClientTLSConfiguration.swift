import NIOSSL

/// How this package's outbound calls (service calls, JWKS, token endpoint, STS) speak TLS:
/// which CAs they trust and which certificate, if any, they present for mutual TLS.
///
/// Certificates are always verified, host names included. The one way to turn that off is
/// ``dangerouslyDisableCertificateVerificationForTestsOnly``, named so that it cannot pass
/// review unnoticed.
public struct ClientTLSConfiguration: Sendable, Hashable {
    /// The CAs server certificates must chain to: the system's, or the given PEM certificates.
    public enum TrustRoots: Sendable, Hashable {
        /// The operating system's trust store.
        case system
        /// Only these CA certificates (e.g. a mesh's or the local demo CA).
        case certificates(PEMSource)
    }

    /// The CAs server certificates must chain to.
    public var trustRoots: TrustRoots
    /// The certificate chain presented to servers that ask for one (mutual TLS).
    public var certificateChain: PEMSource?
    /// The private key of ``certificateChain``.
    public var privateKey: PEMSource?
    /// Whether server certificates go unchecked. For tests against throwaway servers only:
    /// anyone on the path can then read and change the traffic, tokens included.
    public var dangerouslyDisableCertificateVerificationForTestsOnly: Bool

    /// Creates a client TLS configuration.
    ///
    /// - Parameters:
    ///   - trustRoots: The CAs to trust (default: the system's).
    ///   - certificateChain: A client certificate chain for mutual TLS.
    ///   - privateKey: Its private key.
    public init(trustRoots: TrustRoots = .system, certificateChain: PEMSource? = nil, privateKey: PEMSource? = nil) {
        self.trustRoots = trustRoots
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.dangerouslyDisableCertificateVerificationForTestsOnly = false
    }

    /// The AsyncHTTPClient/NIOSSL configuration.
    ///
    /// - Throws: ``TLSConfigurationError`` for unreadable PEM or a certificate without its key.
    func makeTLSConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if case .certificates(let source) = trustRoots {
            tls.trustRoots = .certificates(try source.certificates())
        }
        switch (certificateChain, privateKey) {
        case (let chain?, let key?):
            tls.certificateChain = try chain.certificates().map { .certificate($0) }
            tls.privateKey = .privateKey(try key.privateKey())
        case (nil, nil):
            break
        default:
            throw TLSConfigurationError(reason: "a client certificate needs both its chain and its private key")
        }
        if dangerouslyDisableCertificateVerificationForTestsOnly {
            tls.certificateVerification = .none
        }
        return tls
    }
}
