public import ArgumentParser
public import AsyncHTTPClient
import Foundation
public import ServiceAuthHTTP
import Synchronization

/// One outbound client per TLS configuration for the process: a client owns its connection
/// pool and must be shut down before it is released, so the samples keep each one for the
/// life of the process, like `HTTPClient.shared`.
private let outboundClients = Mutex<[ClientTLSConfiguration: HTTPClient]>([:])

/// The process's client for `tls` (made on first use).
///
/// - Throws: ``TLSConfigurationError`` for unusable PEM material.
func processWideClient(for tls: ClientTLSConfiguration) throws -> HTTPClient {
    try outboundClients.withLock { clients in
        if let client = clients[tls] { return client }
        let client = try HTTPClient.serviceAuth(tls: tls)
        clients[tls] = client
        return client
    }
}

/// The TLS flags every server of the package takes (CONTRACT.md): `--tls-cert`/`--tls-key`
/// serve HTTPS with ALPN `h2`/`http/1.1`, `--tls-ca` names the CA trusted for client
/// certificates and for outbound calls, `--require-client-cert` makes the handshake fail
/// without a client certificate signed by it, `--http2` serves h2c on cleartext.
///
/// Outbound calls present `--tls-cert` as the client certificate, so a chain of services with
/// their own certificates runs over mutual TLS end to end.
public struct TLSOptions: ParsableArguments, Sendable {
    /// The server certificate chain (PEM), leaf first.
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM); also the client certificate of outbound calls.", valueName: "file"))
    public var certificate: String?

    /// The private key of ``certificate``.
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The private key (PEM) of --tls-cert.", valueName: "file"))
    public var key: String?

    /// The CA trusted for client certificates and outbound calls.
    @Option(name: .customLong("tls-ca"), help: ArgumentHelp("The CA (PEM) trusted for client certificates and for outbound https calls (default for outbound: the system's).", valueName: "file"))
    public var certificateAuthority: String?

    /// Whether clients must present a certificate signed by ``certificateAuthority``.
    @Flag(name: .customLong("require-client-cert"), help: "Refuse, at the handshake, clients without a certificate signed by --tls-ca.")
    public var requireClientCertificate = false

    /// Whether cleartext connections may speak HTTP/2 with prior knowledge.
    @Flag(name: .customLong("http2"), help: "Serve HTTP/2 with prior knowledge (h2c) on cleartext, besides HTTP/1.1.")
    public var cleartextHTTP2 = false

    /// Creates the options with every flag unset.
    public init() {}

    /// Checks the flags' combinations (files are read when the server starts).
    public func validate() throws {
        if (certificate == nil) != (key == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if requireClientCertificate && certificate == nil { throw ValidationError("--require-client-cert needs --tls-cert and --tls-key") }
        if requireClientCertificate && certificateAuthority == nil { throw ValidationError("--require-client-cert needs --tls-ca") }
    }

    /// The server's TLS, or `nil` for cleartext: client certificates are required with
    /// `--require-client-cert`, verified when offered if only `--tls-ca` is given.
    ///
    /// - Throws: ``SampleFlagError`` naming the flag whose file is unusable.
    public func serverTLS() throws -> TLSServerConfiguration? {
        guard let certificate, let key else { return nil }
        let tls = TLSServerConfiguration(
            certificateChain: .file(certificate),
            privateKey: .file(key),
            clientCertificateAuthorities: certificateAuthority.map(PEMSource.file),
            clientCertificates: certificateAuthority == nil ? TLSServerConfiguration.ClientCertificates.none : (requireClientCertificate ? .required : .optional)
        )
        do {
            try tls.validate()
        } catch {
            throw SampleFlagError(flag: "--tls-cert/--tls-key/--tls-ca", reason: "\(error)")
        }
        return tls
    }

    /// The client TLS of outbound calls, or `nil` when no TLS flag is given (the system's
    /// trust roots then apply to `https` URLs).
    public func clientTLS() -> ClientTLSConfiguration? {
        guard certificate != nil || certificateAuthority != nil else { return nil }
        return ClientTLSConfiguration(
            trustRoots: certificateAuthority.map { .certificates(.file($0)) } ?? .system,
            certificateChain: certificate.map(PEMSource.file),
            privateKey: key.map(PEMSource.file)
        )
    }

    /// The HTTP client of every outbound call: ``HTTPClient/serviceAuthShared`` without TLS
    /// flags, else one configured by ``clientTLS()`` (made once per process).
    ///
    /// - Throws: ``SampleFlagError`` when the PEM files are unusable.
    public func outboundHTTPClient() throws -> HTTPClient {
        guard let tls = clientTLS() else { return .serviceAuthShared }
        do {
            return try processWideClient(for: tls)
        } catch {
            throw SampleFlagError(flag: "--tls-ca/--tls-cert/--tls-key", reason: "\(error)")
        }
    }

    /// The server configuration: address, TLS and h2c.
    ///
    /// - Throws: ``SampleFlagError`` when the TLS files are unusable.
    public func serverConfiguration(host: String, port: Int) throws -> HTTPServerConfiguration {
        HTTPServerConfiguration(host: host, port: port, tls: try serverTLS(), cleartextHTTP2: cleartextHTTP2)
    }
}
