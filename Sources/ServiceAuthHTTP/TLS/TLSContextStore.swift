import NIOSSL
import Synchronization

/// The TLS context new connections use, swappable while the server runs so certificates can be
/// rotated without a restart (``HTTPServer/reloadTLS()``). Connections keep the context they
/// were accepted with.
final class TLSContextStore: Sendable {
    let configuration: TLSServerConfiguration
    private let current = Mutex<NIOSSLContext?>(nil)

    init(configuration: TLSServerConfiguration) {
        self.configuration = configuration
    }

    /// The context for a connection accepted now; ``reload()`` must have succeeded once.
    var context: NIOSSLContext {
        get throws {
            guard let context = current.withLock({ $0 }) else {
                throw TLSConfigurationError(reason: "the TLS material has not been loaded")
            }
            return context
        }
    }

    /// Reads the PEM sources and makes the result the context of new connections; on any
    /// failure the previous context (if any) stays in use.
    func reload() throws {
        let fresh = try configuration.makeContext()
        current.withLock { $0 = fresh }
    }
}
