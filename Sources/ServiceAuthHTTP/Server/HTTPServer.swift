public import Logging
public import ServiceAuthCore
public import ServiceLifecycle
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOPosix

/// A minimal HTTP/1.1 and HTTP/2 server, cleartext or TLS (optionally mutual), that runs a chain of ``ServerMiddleware`` in front of a
/// ``Router``.
///
/// Built on SwiftNIO's `NIOAsyncChannel` with the swift-http-types codec, so requests and
/// responses are `HTTPRequest`/`HTTPResponse`. It keeps connections alive, bounds request
/// heads (`431`) and bodies (`413`), gives slow clients deadlines for the head and for body
/// progress (`408`), bounds the number of connections, closes idle connections, and answers
/// malformed or ambiguous requests with `400` without disturbing other connections.
///
/// With ``HTTPServerConfiguration/tls`` it serves HTTPS, ALPN choosing HTTP/2 or HTTP/1.1; a
/// verified client certificate reaches each request as ``RequestContext/peerCertificate``.
/// With ``HTTPServerConfiguration/cleartextHTTP2`` a cleartext connection that opens with the
/// HTTP/2 preface is served as h2c. HTTP/2 streams go through the same router and middleware;
/// ``HTTP2Limits`` bound streams, resets and control frames per connection.
///
/// Each route carries its ``RouteSecurity`` (see ``Router``); the router's own security also
/// guards unmatched requests, so an unauthenticated request to an unknown path is refused, not
/// told that the path does not exist. Server middleware run around the routes; the chain is
/// composed once, at start. Every ``AuthFailure`` thrown on the way is rendered here, in one
/// place (status, `WWW-Authenticate`, `{"error":"<code>"}`).
///
/// It conforms to swift-service-lifecycle's `Service`: on graceful shutdown (e.g. SIGTERM
/// through a `ServiceGroup`) it stops accepting connections, lets in-flight requests finish,
/// closes idle connections, and returns from ``run()``.
public struct HTTPServer: Service {
    /// The configuration.
    public let configuration: HTTPServerConfiguration
    private let router: Router
    private let chain: ServerMiddlewareChain
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let listening = ListeningAddress()
    private let connections = ConnectionRegistry()
    private let tls: TLSContextStore?

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - configuration: Address and limits.
    ///   - router: The routes.
    ///   - middleware: Server middleware, outermost first.
    ///   - logger: The logger; the default label is `serviceauth.server`.
    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        router: Router,
        middleware: [any ServerMiddleware] = [],
        logger: Logger = Logger(label: "serviceauth.server")
    ) {
        self.configuration = configuration
        self.router = router
        self.chain = ServerMiddlewareChain(middleware)
        self.logger = logger
        self.eventLoopGroup = MultiThreadedEventLoopGroup.singleton
        self.tls = configuration.tls.map(TLSContextStore.init(configuration:))
    }

    /// Waits until the server is bound and returns its port (useful with port `0`).
    ///
    /// - Throws: The error that made binding fail.
    public func listeningPort() async throws -> Int {
        try await listening.value()
    }

    /// The number of open client connections.
    public var openConnectionCount: Int { connections.count }

    /// The number of connections closed at accept because ``HTTPServerConfiguration/maxConnections``
    /// were already open.
    public var refusedConnectionCount: Int { connections.refusedCount }

    /// What the child channel initializer made of an accepted connection.
    private enum AcceptedConnection: Sendable {
        /// Admitted: served once its protocol is settled.
        case serve(EventLoopFuture<NegotiatedConnection>)
        /// Past the connection limit: it closes itself, nothing to serve.
        case refused
    }

    /// Re-reads the TLS certificate chain, key and client CA from their sources; connections
    /// accepted from now on use them, open ones keep theirs. Use it to rotate certificates
    /// without a restart.
    ///
    /// - Throws: ``TLSConfigurationError`` when the new material is unusable (the old stays in
    ///   use), or when the server does not serve TLS.
    public func reloadTLS() throws {
        guard let tls else { throw TLSConfigurationError(reason: "the server does not serve TLS") }
        try tls.reload()
    }

    /// Binds, serves until graceful shutdown or cancellation, then drains in-flight requests.
    ///
    /// - Throws: The error that made binding fail, or ``TLSConfigurationError``.
    public func run() async throws {
        let serverChannel: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            try configuration.http2.validate()
            try tls?.reload()
            serverChannel = try await bind()
        } catch {
            listening.resolve(.failure(error))
            throw error
        }
        let port = serverChannel.channel.localAddress?.port ?? configuration.port
        listening.resolve(.success(port))
        logger.debug("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)", "tls": "\(tls != nil)"])

        let connections = self.connections
        let stopAccepting: @Sendable () -> Void = {
            serverChannel.channel.close(promise: nil)
            connections.quiesceAll()
        }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await serverChannel.executeThenClose { inbound in
                        for try await accepted in inbound {
                            // A refused connection never ends or fails this loop: it was
                            // accepted like any other and closes itself.
                            guard case .serve(let negotiation) = accepted else { continue }
                            group.addTask { await self.serve(negotiation) }
                        }
                    }
                }
            } onGracefulShutdown: {
                stopAccepting()
            }
        } onCancel: {
            stopAccepting()
        }
    }

    private func bind() async throws -> NIOAsyncChannel<AcceptedConnection, Never> {
        let configuration = self.configuration
        let connections = self.connections
        let logger = self.logger
        let tls = self.tls
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Refuse before building anything: past the limit a connection costs one
                    // accept and one close (as Envoy's and nginx's connection limits), and the
                    // connections already open keep being served.
                    guard connections.register(channel, limit: configuration.maxConnections) else {
                        try channel.pipeline.syncOperations.addHandler(ConnectionLimitCloser())
                        logger.debug(
                            "connection refused: limit reached",
                            metadata: ["limit": "\(configuration.maxConnections)", "refused": "\(connections.refusedCount)"])
                        return .refused
                    }
                    channel.closeFuture.whenComplete { _ in connections.unregister(channel) }
                    return .serve(try Self.configureConnection(
                        channel, configuration: configuration, tls: tls, connections: connections, logger: logger))
                }
            }
    }

    /// Serves an admitted connection once its protocol is settled; a failed handshake (no or
    /// a wrongly signed client certificate, an expired one, no shared protocol) ends here.
    private func serve(_ negotiation: EventLoopFuture<NegotiatedConnection>) async {
        let negotiated: NegotiatedConnection
        do {
            negotiated = try await negotiation.get()
        } catch {
            logger.debug("connection not established", metadata: ["error": "\(error)"])
            return
        }
        switch negotiated {
        case .http1(let connection, let transport):
            await serve(connection, transport: transport, multiplexed: false)
        case .http2(let multiplexer, let transport):
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    for try await stream in multiplexer.inbound {
                        group.addTask { await self.serve(stream, transport: transport, multiplexed: true) }
                    }
                }
            } catch {
                // Rate limits, protocol errors and resets end only this connection.
                logger.debug("HTTP/2 connection ended", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Serves one HTTP/1.1 connection (requests one at a time until the client or the server
    /// closes it) or one HTTP/2 stream (one request).
    private func serve(_ connection: ExchangeChannel, transport: ConnectionTransport, multiplexed: Bool) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let request) = part else { return }  // body without a head: protocol violation
                    let exchange = Exchange(transport: transport, multiplexed: multiplexed)
                    let keepAlive = try await handle(request, parts: &parts, outbound: outbound, exchange: exchange)
                    if !keepAlive || multiplexed { return }
                }
            }
        } catch {
            // Resets, parse errors (already answered by HTTP1RequestGuard) and the like
            // end only this connection (or stream).
            logger.trace("connection ended", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// What one request's handling needs to know about where it arrived.
    private struct Exchange: Sendable {
        var transport: ConnectionTransport
        /// An HTTP/2 stream: no `Connection` header (RFC 9113 §8.2.2), the stream ends after
        /// one response.
        var multiplexed: Bool
    }

    /// Reads one request's body, runs it through middleware and router, writes the response.
    ///
    /// - Returns: Whether the connection may be reused.
    private func handle(
        _ request: HTTPRequest,
        parts: inout NIOAsyncChannelInboundStream<HTTPRequestPart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPResponsePart>,
        exchange: Exchange
    ) async throws -> Bool {
        let wantsClose = !exchange.multiplexed && request.headerFields[values: .connection].contains { $0.lowercased().contains("close") }

        // HTTP/1.1's decoder bounds the head; for HTTP/2, SETTINGS_MAX_HEADER_LIST_SIZE is only
        // advice to the client, so the same limits are applied here (sizes as RFC 9113 §6.5.2
        // counts them: name + value + 32 per field).
        if exchange.multiplexed, Self.exceedsHeadLimits(request, configuration) {
            let response = Responses.error("headers_too_large", message: "request header fields too large", status: .requestHeaderFieldsTooLarge)
            try await write(response, to: outbound, close: true, exchange: exchange)
            return false
        }

        // Refuse an announced oversized body before reading any of it.
        if let declared = request.headerFields[.contentLength].flatMap(Int.init), declared > configuration.maxBodyBytes {
            try await write(Self.tooLarge(configuration.maxBodyBytes), to: outbound, close: true, exchange: exchange)
            return false
        }
        guard let first = try await parts.next() else { return false }
        switch first {
        case .head:
            return false
        case .end:
            // No body (most GETs): no streaming machinery needed.
            let response = await respond(to: request, body: MessageBody(), exchange: exchange)
            try await write(response, to: outbound, close: wantsClose, exchange: exchange, isHead: request.method == .head)
            return !wantsClose
        case .body(let firstChunk):
            return try await handleStreaming(
                request, firstChunk: firstChunk, parts: &parts, outbound: outbound, exchange: exchange, wantsClose: wantsClose)
        }
    }

    /// Serves a request with a body: the handler runs in a child task and reads the body as it
    /// arrives, while this task keeps reading the socket and feeding it. The body is bounded by
    /// `maxBodyBytes`: past it the handler's reads fail with ``MessageBodyTooLarge``, the
    /// client gets `413` and the connection is closed (the rest of the body is never read).
    private func handleStreaming(
        _ request: HTTPRequest,
        firstChunk: ByteBuffer,
        parts: inout NIOAsyncChannelInboundStream<HTTPRequestPart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPResponsePart>,
        exchange: Exchange,
        wantsClose: Bool
    ) async throws -> Bool {
        let limit = configuration.maxBodyBytes
        let (stream, feed) = AsyncThrowingStream<ArraySlice<UInt8>, any Error>.makeStream()
        let declaredLength = request.headerFields[.contentLength].flatMap(Int.init)
        let body = MessageBody(stream: stream, length: declaredLength)

        let answered = AnsweredFlag()
        return try await withThrowingTaskGroup(of: (HTTPResponse, MessageBody).self) { group in
            group.addTask {
                let response = await self.respond(to: request, body: body, exchange: exchange)
                answered.set()
                return response
            }

            var received = 0
            var outcome = BodyOutcome.incomplete
            var chunk: ByteBuffer? = firstChunk
            reading: while true {
                if let buffer = chunk {
                    received += buffer.readableBytes
                    if received > limit {
                        outcome = .tooLarge
                        break reading
                    }
                    feed.yield(ArraySlice(buffer.readableBytesView))
                }
                // A handler that answered without reading the whole body (a 401, a route that
                // ignores bodies) needs no more of it: stop reading rather than buffer up to
                // `maxBodyBytes` for nothing (on HTTP/2, per stream).
                if answered.isSet {
                    outcome = .answeredEarly
                    break reading
                }
                switch try await parts.next() {
                case .body(let next): chunk = next
                case .end:
                    outcome = .complete
                    break reading
                case .head, nil:
                    break reading
                }
            }
            switch outcome {
            case .complete: feed.finish()
            case .tooLarge: feed.finish(throwing: MessageBodyTooLarge(limit: limit))
            case .incomplete: feed.finish(throwing: HTTPTransportError(reason: "the client closed the connection mid-body"))
            case .answeredEarly: feed.finish(throwing: HTTPTransportError(reason: "the response was sent before the body was read"))
            }
            // The handler sees the end of the body (or its failure) and answers.
            let response = try await group.next() ?? Self.tooLarge(limit)
            switch outcome {
            case .complete:
                try await write(response, to: outbound, close: wantsClose, exchange: exchange, isHead: request.method == .head)
                return !wantsClose
            case .tooLarge:
                // Whatever the handler made of a partial body, the request was too large.
                try await write(Self.tooLarge(limit), to: outbound, close: true, exchange: exchange)
                return false
            case .answeredEarly:
                // The rest of the body is never read, so the connection (or stream) cannot be
                // reused: answer and close it.
                try await write(response, to: outbound, close: true, exchange: exchange, isHead: request.method == .head)
                return false
            case .incomplete:
                return false
            }
        }
    }

    private enum BodyOutcome { case complete, tooLarge, incomplete, answeredEarly }

    /// Runs the middleware chain and the router, turning thrown errors into responses.
    private func respond(to request: HTTPRequest, body: MessageBody, exchange: Exchange) async -> (HTTPResponse, MessageBody) {
        let transport = exchange.transport
        var context = RequestContext(
            remoteAddress: transport.remoteAddress, localPort: listening.port,
            peerCertificate: transport.peerCertificate, isSecure: transport.isSecure, logger: logger)
        let route = router.resolve(method: request.method, path: request.path ?? "/")
        context.routePattern = route.pattern
        context.pathParameters = route.parameters
        do {
            return try await chain.run(request, body: body, context: context, handler: route.handler)
        } catch let failure as any AuthFailureConvertible {
            return failure.authFailure.response()
        } catch let error as MessageBodyTooLarge {
            return Self.tooLarge(error.limit)
        } catch {
            // Never echo internal errors: they may carry details an attacker should not see.
            // The path without its query: presigned URLs carry credentials there.
            logger.error("handler failed", metadata: ["error": "\(type(of: error))", "path": "\(RequestPath.withoutQuery(request.path ?? "/"))"])
            return Responses.error("internal_error", message: "internal server error", status: .internalServerError)
        }
    }

    private func write(
        _ response: (HTTPResponse, MessageBody),
        to outbound: NIOAsyncChannelOutboundWriter<HTTPResponsePart>,
        close: Bool,
        exchange: Exchange,
        isHead: Bool = false
    ) async throws {
        var head = response.0
        if close, !exchange.multiplexed { head.headerFields[.connection] = "close" }
        if let bytes = response.1.bufferedBytes {
            if head.headerFields[.contentLength] == nil { head.headerFields[.contentLength] = String(bytes.count) }
            // One write for the whole response: one hop to the event loop and one flush (one
            // `writev`) instead of three.
            if isHead || bytes.isEmpty {
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
            } else {
                try await outbound.write(contentsOf: [.head(head), .body(ByteBuffer(bytes: bytes)), .end(nil)])
            }
            return
        }
        try await outbound.write(.head(head))
        for try await chunk in response.1 where !isHead {
            try await outbound.write(.body(ByteBuffer(bytes: chunk)))
        }
        try await outbound.write(.end(nil))
    }

    /// Whether an HTTP/2 request head is past ``HTTPServerConfiguration/maxHeaderCount`` or
    /// ``HTTPServerConfiguration/maxHeaderBytes``.
    private static func exceedsHeadLimits(_ request: HTTPRequest, _ configuration: HTTPServerConfiguration) -> Bool {
        guard request.headerFields.count <= configuration.maxHeaderCount else { return true }
        var bytes = (request.path?.utf8.count ?? 0) + (request.authority?.utf8.count ?? 0)
        for field in request.headerFields {
            bytes += field.name.rawName.utf8.count + field.value.utf8.count + 32
        }
        return bytes > configuration.maxHeaderBytes
    }

    private static func tooLarge(_ limit: Int) -> (HTTPResponse, MessageBody) {
        Responses.error("body_too_large", message: "request body exceeds \(limit) bytes", status: .contentTooLarge)
    }
}
