import NIOSSL

/// How an ``HTTPServer`` serves TLS: its certificate chain and key, and whether (and against
/// which CA) it asks clients for certificates — mutual TLS.
///
/// The server offers ALPN `h2` and `http/1.1` (HTTP/2 when the client supports it, as Envoy and
/// Hummingbird's TLS modules do) and accepts TLS 1.2 and 1.3 only. A verified client
/// certificate reaches the request as ``RequestContext/peerCertificate``, where
/// ``MutualTLSAuthenticator`` turns it into a workload identity and certificate-bound tokens
/// (RFC 8705) are checked against it.
public struct TLSServerConfiguration: Sendable, Hashable {
    /// Whether the server asks clients for a certificate.
    public enum ClientCertificates: Sendable, Hashable {
        /// No client certificate is requested.
        case none
        /// A client may present a certificate, which must then verify against
        /// ``TLSServerConfiguration/clientCertificateAuthorities``; clients without one still
        /// connect (a route's ``RouteSecurity`` decides whether that is enough).
        case optional
        /// The handshake fails unless the client presents a certificate that verifies.
        case required
    }

    /// The server's certificate chain, leaf first.
    public var certificateChain: PEMSource
    /// The private key of the leaf certificate.
    public var privateKey: PEMSource
    /// The CA certificates client certificates must chain to; required unless
    /// ``clientCertificates`` is ``ClientCertificates/none``.
    public var clientCertificateAuthorities: PEMSource?
    /// Whether client certificates are requested.
    public var clientCertificates: ClientCertificates
    /// Whether ALPN offers `h2` (default). Without it, TLS connections speak HTTP/1.1 only.
    public var offersHTTP2: Bool

    /// Creates a TLS configuration.
    ///
    /// - Parameters:
    ///   - certificateChain: The server's certificate chain (PEM), leaf first.
    ///   - privateKey: Its private key (PEM).
    ///   - clientCertificateAuthorities: The CA(s) client certificates must chain to.
    ///   - clientCertificates: Whether client certificates are requested (default: `.required`
    ///     when a CA is given, else `.none`).
    ///   - offersHTTP2: Whether ALPN offers `h2` (default `true`).
    public init(
        certificateChain: PEMSource,
        privateKey: PEMSource,
        clientCertificateAuthorities: PEMSource? = nil,
        clientCertificates: ClientCertificates? = nil,
        offersHTTP2: Bool = true
    ) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCertificateAuthorities = clientCertificateAuthorities
        self.clientCertificates = clientCertificates ?? (clientCertificateAuthorities == nil ? .none : .required)
        self.offersHTTP2 = offersHTTP2
    }

    /// Reads the PEM material and checks that it makes a usable TLS context, as the server will
    /// when it starts: a command-line tool can report bad material before it starts serving.
    ///
    /// - Throws: ``TLSConfigurationError`` naming what is wrong (never key material).
    public func validate() throws {
        _ = try makeContext()
    }

    /// Reads the PEM material and builds the TLS context new connections use.
    ///
    /// - Throws: ``TLSConfigurationError`` for unreadable material, a key that does not match
    ///   the certificate, or a client-certificate requirement without a CA.
    func makeContext() throws -> NIOSSLContext {
        let chain = try certificateChain.certificates()
        let key = try privateKey.privateKey()
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = offersHTTP2 ? ["h2", "http/1.1"] : ["http/1.1"]
        switch clientCertificates {
        case .none:
            tls.certificateVerification = .none
        case .optional, .required:
            guard let authorities = clientCertificateAuthorities else {
                throw TLSConfigurationError(reason: "client certificates need a CA to verify them against")
            }
            tls.trustRoots = .certificates(try authorities.certificates())
            // A client certificate names a workload, not a host: verify the chain, not a name.
            tls.certificateVerification = clientCertificates == .required ? .noHostnameVerification : .optionalVerification
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw TLSConfigurationError(reason: "the certificate and key cannot be used together (\(type(of: error)))")
        }
    }
}
