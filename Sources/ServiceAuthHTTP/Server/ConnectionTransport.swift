import Logging
import NIOCore
import NIOSSL
import ServiceAuthCore

/// What the server knows about a connection that every request on it shares: the peer's
/// address, whether it is TLS, and the client certificate the handshake verified.
struct ConnectionTransport: Sendable {
    var remoteAddress: String?
    var isSecure: Bool
    var peerCertificate: PeerCertificate?

    /// Reads the connection's facts once its protocol is settled (after the TLS handshake).
    ///
    /// Must run on the channel's event loop. The peer certificate is read only when the server
    /// asked for one, so a certificate is always one the handshake verified against the
    /// configured CA (NIOSSL fails the handshake on one that does not verify).
    static func of(_ channel: any Channel, tls: TLSServerConfiguration?, logger: Logger) -> ConnectionTransport {
        var transport = ConnectionTransport(remoteAddress: channel.remoteAddress?.description, isSecure: tls != nil)
        guard let tls, tls.clientCertificates != .none else { return transport }
        guard let certificate = try? channel.pipeline.syncOperations.nioSSL_peerCertificate() else { return transport }
        do {
            transport.peerCertificate = try PeerCertificate(derEncoded: try certificate.toDERBytes())
        } catch {
            // Verified by the TLS stack but unreadable here: the request carries no workload
            // identity, so routes that need one refuse it.
            logger.debug("verified client certificate could not be parsed", metadata: ["error": "\(error)"])
        }
        return transport
    }
}
