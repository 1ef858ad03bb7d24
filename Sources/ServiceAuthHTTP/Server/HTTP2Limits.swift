/// What one HTTP/2 connection may make the server hold or do, on top of the limits every
/// request has (head size and count, body size, deadlines).
///
/// The defaults follow swift-nio-http2's and Envoy's: a client past a rate limit is not
/// slowed down but disconnected (GOAWAY, then close), since a client that resets streams in a
/// loop (CVE-2023-44487, "rapid reset"), floods SETTINGS or PING frames, or sends endless
/// CONTINUATION frames is attacking, not misbehaving; other connections keep being served.
public struct HTTP2Limits: Sendable, Hashable {
    /// Streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS).
    public var maxConcurrentStreams: Int
    /// Streams a client may reset (RST_STREAM) in ``rateWindow`` before the connection is closed.
    public var maxResetStreamsPerWindow: Int
    /// Control frames (SETTINGS, PING, PRIORITY…) a client may send in ``rateWindow`` before
    /// the connection is closed.
    public var maxControlFramesPerWindow: Int
    /// The window of the two rate limits above.
    public var rateWindow: Duration
    /// CONTINUATION frames one header block may span.
    public var maxContinuationFrames: Int
    /// How long graceful shutdown waits for a connection's open streams before closing it.
    public var gracefulCloseTimeout: Duration

    /// Creates HTTP/2 limits.
    ///
    /// - Parameters:
    ///   - maxConcurrentStreams: Concurrent streams per connection (default 100).
    ///   - maxResetStreamsPerWindow: Stream resets per window (default 200).
    ///   - maxControlFramesPerWindow: Control frames per window (default 200).
    ///   - rateWindow: The rate-limit window (default 30 s).
    ///   - maxContinuationFrames: CONTINUATION frames per header block (default 5).
    ///   - gracefulCloseTimeout: Grace for open streams at shutdown (default 30 s).
    public init(
        maxConcurrentStreams: Int = 100,
        maxResetStreamsPerWindow: Int = 200,
        maxControlFramesPerWindow: Int = 200,
        rateWindow: Duration = .seconds(30),
        maxContinuationFrames: Int = 5,
        gracefulCloseTimeout: Duration = .seconds(30)
    ) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxResetStreamsPerWindow = maxResetStreamsPerWindow
        self.maxControlFramesPerWindow = maxControlFramesPerWindow
        self.rateWindow = rateWindow
        self.maxContinuationFrames = maxContinuationFrames
        self.gracefulCloseTimeout = gracefulCloseTimeout
    }

    /// Checks that every limit is positive (NIO would trap on a negative SETTINGS value at the
    /// first connection); ``HTTPServer/run()`` calls it before binding.
    ///
    /// - Throws: ``HTTP2LimitsError`` naming the limit.
    public func validate() throws {
        let counts = [
            ("maxConcurrentStreams", maxConcurrentStreams), ("maxResetStreamsPerWindow", maxResetStreamsPerWindow),
            ("maxControlFramesPerWindow", maxControlFramesPerWindow), ("maxContinuationFrames", maxContinuationFrames),
        ]
        for (name, value) in counts where value < 1 || value > Int(Int32.max) {
            throw HTTP2LimitsError(limit: name)
        }
        if rateWindow <= .zero { throw HTTP2LimitsError(limit: "rateWindow") }
        if gracefulCloseTimeout < .zero { throw HTTP2LimitsError(limit: "gracefulCloseTimeout") }
    }
}

/// An ``HTTP2Limits`` value that cannot be used.
public struct HTTP2LimitsError: Error, Sendable, CustomStringConvertible {
    /// The limit's name.
    public let limit: String
    /// A description naming the limit.
    public var description: String { "HTTP/2 limit \(limit) must be positive" }
}
