/// How an ``HTTPServer`` listens and which limits it enforces.
///
/// Every limit bounds what one client can make the server hold: memory (heads, bodies), time
/// (the deadlines) and connections. Past a limit the client gets the status below and its
/// connection is closed; other connections are unaffected.
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
    /// How long a client may take to send a whole request head, from its first byte.
    ///
    /// Past it the client gets `408 Request Timeout` and the connection is closed. Without it
    /// a client that trickles header bytes (slowloris) holds a connection forever: each byte
    /// resets the idle timer. Time the server itself spends not reading (a response in
    /// progress on the same connection, back-pressure) does not count.
    public var headerReadTimeout: Duration
    /// The longest the server waits for the next byte of a request body it is reading.
    ///
    /// Past it the client gets `408 Request Timeout` (or, if a response has already begun,
    /// just the close). This is a progress deadline, as nginx's `client_body_timeout`: a body
    /// that keeps arriving may take as long as it needs, one that stops does not hold the
    /// connection and the handler waiting for it. Chunk framing without data is not progress.
    /// Time the server itself spends not reading does not count.
    public var bodyReadTimeout: Duration
    /// The largest number of client connections open at once.
    ///
    /// A connection accepted past it is closed at once, before anything is read from it;
    /// open connections keep being served. Keep it below the process's file-descriptor limit
    /// (`ulimit -n`) so the server never fails to accept for want of descriptors.
    public var maxConnections: Int
    /// TLS, when the server serves HTTPS (with ALPN `h2`/`http/1.1` and, optionally, client
    /// certificates); `nil` serves cleartext.
    public var tls: TLSServerConfiguration?
    /// Whether a cleartext server also speaks HTTP/2 with prior knowledge (h2c, RFC 9113 §3.3),
    /// for meshes that terminate TLS in a sidecar. A connection that opens with the HTTP/2
    /// preface is served as HTTP/2, any other as HTTP/1.1. No effect with ``tls`` (ALPN decides).
    public var cleartextHTTP2: Bool
    /// The HTTP/2 limits of each connection.
    public var http2: HTTP2Limits

    /// Creates a configuration. The defaults suit a service behind a load balancer.
    ///
    /// - Parameters:
    ///   - host: The address to bind (default `127.0.0.1`).
    ///   - port: The port (default `0`, any free port).
    ///   - maxBodyBytes: Request body limit (default 1 MiB).
    ///   - maxHeaderBytes: Request head limit (default 16 KiB).
    ///   - maxHeaderCount: Header field count limit (default 100).
    ///   - idleTimeout: Keep-alive idle timeout (default 60 s).
    ///   - headerReadTimeout: Request head deadline, from its first byte (default 10 s).
    ///   - bodyReadTimeout: Request body progress deadline (default 30 s).
    ///   - maxConnections: Concurrent connection limit (default 4096).
    ///   - tls: TLS, or `nil` for cleartext (default).
    ///   - cleartextHTTP2: Whether cleartext connections may speak h2c (default `false`).
    ///   - http2: HTTP/2 per-connection limits.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        maxBodyBytes: Int = 1 << 20,
        maxHeaderBytes: Int = 16 << 10,
        maxHeaderCount: Int = 100,
        idleTimeout: Duration = .seconds(60),
        headerReadTimeout: Duration = .seconds(10),
        bodyReadTimeout: Duration = .seconds(30),
        maxConnections: Int = 4096,
        tls: TLSServerConfiguration? = nil,
        cleartextHTTP2: Bool = false,
        http2: HTTP2Limits = HTTP2Limits()
    ) {
        self.tls = tls
        self.cleartextHTTP2 = cleartextHTTP2
        self.http2 = http2
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.idleTimeout = idleTimeout
        self.headerReadTimeout = headerReadTimeout
        self.bodyReadTimeout = bodyReadTimeout
        self.maxConnections = maxConnections
    }
}
