import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOHTTPTypesHTTP2
import NIOSSL
import NIOTLS

/// One HTTP exchange's channel: a whole HTTP/1.1 connection, or one HTTP/2 stream.
typealias ExchangeChannel = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

/// What an accepted connection turned out to be once its protocol was settled (by ALPN on
/// TLS, by the preface on h2c, or HTTP/1.1 by default).
enum NegotiatedConnection: Sendable {
    /// An HTTP/1.1 connection: requests one after another.
    case http1(ExchangeChannel, ConnectionTransport)
    /// An HTTP/2 connection: one stream channel per request.
    case http2(NIOHTTP2Handler.AsyncStreamMultiplexer<ExchangeChannel>, ConnectionTransport)
}

/// A protocol that ALPN settled on but the server does not speak.
struct UnexpectedApplicationProtocol: Error {}

extension HTTPServer {
    /// Sets up an admitted connection's pipeline. Runs on the connection's event loop.
    ///
    /// - Returns: The connection once its protocol is settled: at once for cleartext
    ///   HTTP/1.1, after the handshake for TLS, after the first bytes for h2c.
    static func configureConnection(
        _ channel: any Channel,
        configuration: HTTPServerConfiguration,
        tls: TLSContextStore?,
        connections: ConnectionRegistry,
        logger: Logger
    ) throws -> EventLoopFuture<NegotiatedConnection> {
        let settled = try settleProtocol(channel, configuration: configuration, tls: tls, logger: logger)
        settled.whenComplete { result in
            switch result {
            case .success:
                // Shutdown may have begun while the protocol was being settled: the quiesce
                // event sent then found no handler to act on it. Send it again now.
                if connections.isQuiescing { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
            case .failure:
                // A failed negotiation leaves nothing that would ever close the connection.
                channel.close(promise: nil)
            }
        }
        return settled
    }

    private static func settleProtocol(
        _ channel: any Channel,
        configuration: HTTPServerConfiguration,
        tls: TLSContextStore?,
        logger: Logger
    ) throws -> EventLoopFuture<NegotiatedConnection> {
        let pipeline = channel.pipeline.syncOperations
        if let tls {
            try pipeline.addHandler(NIOSSLServerHandler(context: try tls.context))
            try pipeline.addHandler(TLSHandshakeDeadline(timeout: configuration.headerReadTimeout))
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<NegotiatedConnection> { result, channel in
                channel.eventLoop.makeCompletedFuture {
                    let transport = ConnectionTransport.of(channel, tls: tls.configuration, logger: logger)
                    switch result {
                    case .negotiated("h2"):
                        return .http2(try configureHTTP2(channel, configuration: configuration), transport)
                    case .negotiated("http/1.1"), .fallback:
                        return .http1(try configureHTTP1(channel, configuration: configuration, logger: logger), transport)
                    case .negotiated:
                        throw UnexpectedApplicationProtocol()
                    }
                }
            }
            try pipeline.addHandler(negotiation)
            return negotiation.protocolNegotiationResult
        }
        let transport = ConnectionTransport.of(channel, tls: nil, logger: logger)
        guard configuration.cleartextHTTP2 else {
            return channel.eventLoop.makeSucceededFuture(
                .http1(try configureHTTP1(channel, configuration: configuration, logger: logger), transport))
        }
        let detector = HTTP2PrefaceDetector(eventLoop: channel.eventLoop, timeout: configuration.headerReadTimeout)
        try pipeline.addHandler(detector)
        let boundDetector = NIOLoopBound(detector, eventLoop: channel.eventLoop)
        return detector.isHTTP2.futureResult.flatMapThrowing { isHTTP2 -> NegotiatedConnection in
            if isHTTP2 {
                return .http2(try configureHTTP2(channel, configuration: configuration), transport)
            }
            return .http1(try configureHTTP1(channel, configuration: configuration, logger: logger), transport)
        }.flatMap { negotiated in
            // Leaving the pipeline hands the bytes it held to the protocol's decoder.
            channel.pipeline.syncOperations.removeHandler(boundDetector.value).map { negotiated }
        }
    }

    /// The HTTP/1.1 pipeline, from the socket (or TLS) inwards: idle timer; raw-bytes side of
    /// the read deadlines; NIO's HTTP/1 encoder and decoder; the decoded-parts side of the read
    /// deadlines (before the pipelining handler, so it sees what the client sent, not what the
    /// server has got round to); NIO's pipelining handler, which holds a pipelined request —
    /// and its parse errors — back until the response ahead of it is complete, and closes
    /// connections on graceful shutdown; parse errors → `400`/`431`, `Host` validation and
    /// keep-alive (``HTTP1RequestGuard``); conversion to swift-http-types; idle close.
    static func configureHTTP1(
        _ channel: any Channel,
        configuration: HTTPServerConfiguration,
        logger: Logger
    ) throws -> ExchangeChannel {
        let pipeline = channel.pipeline.syncOperations
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = configuration.maxHeaderBytes
        limits.maxHeaderFieldSize = configuration.maxHeaderBytes
        limits.maxHeaderFieldCount = configuration.maxHeaderCount
        let deadlines = RequestReadDeadlines(
            headerTimeout: configuration.headerReadTimeout, bodyTimeout: configuration.bodyReadTimeout, logger: logger)
        try pipeline.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout.timeAmount))
        try pipeline.addHandler(deadlines.bytesObserver)
        try pipeline.configureHTTPServerPipeline(
            withErrorHandling: false,
            // Responses are swift-http-types values, whose field names are validated tokens
            // and whose values are legalised (CR, LF and NUL cannot get in), so NIO's second
            // check of every outgoing head would only cost a handler.
            withOutboundHeaderValidation: false,
            withEncoderConfiguration: HTTPResponseEncoder.Configuration(),
            withDecoderLimitConfiguration: limits
        )
        try pipeline.addHandler(deadlines.partsObserver, position: .before(pipeline.handler(type: HTTPServerPipelineHandler.self)))
        try pipeline.addHandler(HTTP1RequestGuard())
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: configuration.tls != nil))
        try pipeline.addHandler(IdleConnectionCloser())
        return try ExchangeChannel(wrappingChannelSynchronously: channel)
    }

    /// The HTTP/2 pipeline: NIO's HTTP/2 handler with the configured limits (its rate limits
    /// close connections that reset streams or send control frames in a loop), NIO's
    /// connection manager (idle close, GOAWAY on graceful shutdown — it handles the
    /// `ChannelShouldQuiesceEvent` the server sends — with a grace period), and per stream the
    /// HTTP/2 ↔ swift-http-types codec and the body deadline.
    static func configureHTTP2(
        _ channel: any Channel,
        configuration: HTTPServerConfiguration
    ) throws -> NIOHTTP2Handler.AsyncStreamMultiplexer<ExchangeChannel> {
        let limits = configuration.http2
        var http2 = NIOHTTP2Handler.Configuration()
        http2.connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.maxConcurrentStreams),
            // Twice the real limit: NIO enforces the advertised value by ending the whole
            // connection; heads between the two get this request's 431 (checked per stream).
            HTTP2Setting(parameter: .maxHeaderListSize, value: 2 * configuration.maxHeaderBytes),
        ]
        http2.connection.maximumSequentialContinuationFrames = limits.maxContinuationFrames
        http2.connection.controlFrameRateLimit.maximumCount = limits.maxControlFramesPerWindow
        http2.connection.controlFrameRateLimit.windowLength = TimeAmount(limits.rateWindow)
        http2.stream.streamResetFrameRateLimit.maximumCount = limits.maxResetStreamsPerWindow
        http2.stream.streamResetFrameRateLimit.windowLength = TimeAmount(limits.rateWindow)
        let manager = NIOHTTP2ServerConnectionManagementHandler.Configuration(
            maxIdleTime: TimeAmount(configuration.idleTimeout),
            maxAge: nil,
            maxGraceTime: TimeAmount(limits.gracefulCloseTimeout),
            keepalive: nil
        )
        let bodyTimeout = configuration.bodyReadTimeout
        let pipeline = channel.pipeline.syncOperations
        let multiplexer = try pipeline.configureAsyncHTTP2Pipeline(
            mode: .server,
            connectionManagerConfiguration: manager,
            http2HandlerConfiguration: http2
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTPServerCodec())
                try stream.pipeline.syncOperations.addHandler(HTTP2StreamBodyDeadline(timeout: bodyTimeout))
                return try ExchangeChannel(wrappingChannelSynchronously: stream)
            }
        }
        // Start the manager's idle timer (the connection is already active) and bound its
        // graceful closes.
        try pipeline.addHandler(
            HTTP2ConnectionLifetime(gracefulCloseTimeout: limits.gracefulCloseTimeout),
            position: .before(try pipeline.handler(type: NIOHTTP2ServerConnectionManagementHandler.self)))
        return multiplexer
    }
}
