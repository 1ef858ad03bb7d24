public import Logging
public import ServiceAuthCore
public import ServiceLifecycle
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOPosix

/// A minimal HTTP/1.1 server that runs a chain of ``ServerMiddleware`` in front of a
/// ``Router``.
///
/// Built on SwiftNIO's `NIOAsyncChannel` with the swift-http-types codec, so requests and
/// responses are `HTTPRequest`/`HTTPResponse`. It keeps connections alive, bounds request
/// heads (`431`) and bodies (`413`), gives slow clients deadlines for the head and for body
/// progress (`408`), bounds the number of connections, closes idle connections, and answers
/// malformed or ambiguous requests with `400` without disturbing other connections.
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
        case serve(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// Past the connection limit: it closes itself, nothing to serve.
        case refused
    }

    /// Binds, serves until graceful shutdown or cancellation, then drains in-flight requests.
    ///
    /// - Throws: The error that made binding fail.
    public func run() async throws {
        let serverChannel: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            serverChannel = try await bind()
        } catch {
            listening.resolve(.failure(error))
            throw error
        }
        let port = serverChannel.channel.localAddress?.port ?? configuration.port
        listening.resolve(.success(port))
        logger.debug("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])

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
                            guard case .serve(let connection) = accepted else { continue }
                            group.addTask { await self.serve(connection) }
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
                    try Self.configurePipeline(channel.pipeline.syncOperations, configuration: configuration, logger: logger)
                    return .serve(try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(wrappingChannelSynchronously: channel))
                }
            }
    }

    /// The pipeline, from the socket inwards: idle timer; raw-bytes side of the read deadlines;
    /// NIO's HTTP/1 encoder and decoder; the decoded-parts side of the read deadlines (before
    /// the pipelining handler, so it sees what the client sent, not what the server has got
    /// round to); NIO's pipelining handler; parse errors → `400`/`431`; keep-alive; `Host`
    /// validation; conversion to swift-http-types; idle close.
    private static func configurePipeline(
        _ pipeline: ChannelPipeline.SynchronousOperations,
        configuration: HTTPServerConfiguration,
        logger: Logger
    ) throws {
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
            withEncoderConfiguration: HTTPResponseEncoder.Configuration(),
            withDecoderLimitConfiguration: limits
        )
        try pipeline.addHandler(deadlines.partsObserver, position: .before(pipeline.handler(type: HTTPServerPipelineHandler.self)))
        try pipeline.addHandler(ProtocolErrorResponder())
        try pipeline.addHandler(KeepAliveNormalizer())
        try pipeline.addHandler(RequestHeadValidator())
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try pipeline.addHandler(IdleConnectionCloser())
    }

    /// Serves one connection: one request at a time until the client or the server closes it.
    private func serve(_ connection: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) async {
        let remoteAddress = connection.channel.remoteAddress?.description
        do {
            try await connection.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let request) = part else { return }  // body without a head: protocol violation
                    let keepAlive = try await handle(request, parts: &parts, outbound: outbound, remoteAddress: remoteAddress)
                    if !keepAlive { return }
                }
            }
        } catch {
            // Resets, parse errors (already answered by ProtocolErrorResponder) and the like
            // end only this connection.
            logger.trace("connection ended", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// Reads one request's body, runs it through middleware and router, writes the response.
    ///
    /// - Returns: Whether the connection may be reused.
    private func handle(
        _ request: HTTPRequest,
        parts: inout NIOAsyncChannelInboundStream<HTTPRequestPart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPResponsePart>,
        remoteAddress: String?
    ) async throws -> Bool {
        let wantsClose = request.headerFields[values: .connection].contains { $0.lowercased().contains("close") }

        // Refuse an announced oversized body before reading any of it.
        if let declared = request.headerFields[.contentLength].flatMap(Int.init), declared > configuration.maxBodyBytes {
            try await write(Self.tooLarge(configuration.maxBodyBytes), to: outbound, close: true)
            return false
        }
        guard let first = try await parts.next() else { return false }
        switch first {
        case .head:
            return false
        case .end:
            // No body (most GETs): no streaming machinery needed.
            let response = await respond(to: request, body: MessageBody(), remoteAddress: remoteAddress)
            try await write(response, to: outbound, close: wantsClose, isHead: request.method == .head)
            return !wantsClose
        case .body(let firstChunk):
            return try await handleStreaming(
                request, firstChunk: firstChunk, parts: &parts, outbound: outbound, remoteAddress: remoteAddress, wantsClose: wantsClose)
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
        remoteAddress: String?,
        wantsClose: Bool
    ) async throws -> Bool {
        let limit = configuration.maxBodyBytes
        let (stream, feed) = AsyncThrowingStream<ArraySlice<UInt8>, any Error>.makeStream()
        let declaredLength = request.headerFields[.contentLength].flatMap(Int.init)
        let body = MessageBody(stream: stream, length: declaredLength)

        return try await withThrowingTaskGroup(of: (HTTPResponse, MessageBody).self) { group in
            group.addTask { await self.respond(to: request, body: body, remoteAddress: remoteAddress) }

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
            }
            // The handler sees the end of the body (or its failure) and answers.
            let response = try await group.next() ?? Self.tooLarge(limit)
            switch outcome {
            case .complete:
                try await write(response, to: outbound, close: wantsClose, isHead: request.method == .head)
                return !wantsClose
            case .tooLarge:
                // Whatever the handler made of a partial body, the request was too large.
                try await write(Self.tooLarge(limit), to: outbound, close: true)
                return false
            case .incomplete:
                return false
            }
        }
    }

    private enum BodyOutcome { case complete, tooLarge, incomplete }

    /// Runs the middleware chain and the router, turning thrown errors into responses.
    private func respond(to request: HTTPRequest, body: MessageBody, remoteAddress: String?) async -> (HTTPResponse, MessageBody) {
        var context = RequestContext(remoteAddress: remoteAddress, localPort: listening.port, logger: logger)
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
        isHead: Bool = false
    ) async throws {
        var head = response.0
        if close { head.headerFields[.connection] = "close" }
        if let bytes = response.1.bufferedBytes {
            if head.headerFields[.contentLength] == nil { head.headerFields[.contentLength] = String(bytes.count) }
            try await outbound.write(.head(head))
            if !isHead, !bytes.isEmpty { try await outbound.write(.body(ByteBuffer(bytes: bytes))) }
            try await outbound.write(.end(nil))
            return
        }
        try await outbound.write(.head(head))
        for try await chunk in response.1 where !isHead {
            try await outbound.write(.body(ByteBuffer(bytes: chunk)))
        }
        try await outbound.write(.end(nil))
    }

    private static func tooLarge(_ limit: Int) -> (HTTPResponse, MessageBody) {
        Responses.error("body_too_large", message: "request body exceeds \(limit) bytes", status: .contentTooLarge)
    }
}
