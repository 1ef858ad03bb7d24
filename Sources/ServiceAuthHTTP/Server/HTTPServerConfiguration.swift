/// How an ``HTTPServer`` listens and which limits it enforces.
public struct HTTPServerConfiguration: Sendable {
    /// The address to bind. Defaults to the loopback interface; use `0.0.0.0` to serve
    /// other hosts deliberately.
    public var host: String
    /// The port to bind; `0` picks a free port (see ``HTTPServer/listeningPort()``).
    public var port: Int
    /// The largest request body accepted; larger bodies get `413 Content Too Large`.
    public var maxBodyBytes: Int
    /// The largest request head (all header lines together, and any one of them) accepted;
    /// larger ones get `431 Request Header Fields Too Large`.
    public var maxHeaderBytes: Int
    /// The largest number of header fields accepted in one request.
    public var maxHeaderCount: Int
    /// How long a keep-alive connection may stay open without a request before it is closed.
    public var idleTimeout: Duration

    /// Creates a configuration. The defaults suit a service behind a load balancer.
    ///
    /// - Parameters:
    ///   - host: The address to bind (default `127.0.0.1`).
    ///   - port: The port (default `0`, any free port).
    ///   - maxBodyBytes: Request body limit (default 1 MiB).
    ///   - maxHeaderBytes: Request head limit (default 16 KiB).
    ///   - maxHeaderCount: Header field count limit (default 100).
    ///   - idleTimeout: Keep-alive idle timeout (default 60 s).
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        maxBodyBytes: Int = 1 << 20,
        maxHeaderBytes: Int = 16 << 10,
        maxHeaderCount: Int = 100,
        idleTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.idleTimeout = idleTimeout
    }
}
