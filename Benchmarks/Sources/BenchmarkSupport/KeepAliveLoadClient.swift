import NIOCore
import NIOHTTP1
import NIOPosix

/// A lean HTTP/1.1 load generator: `connections` keep-alive connections to one server, each
/// sending one request at a time (no pipelining), so the measured cost is the server's and the
/// network stack's rather than a full-featured client's.
public final class KeepAliveLoadClient: Sendable {
    /// One request to send: method, path and headers (the same each time).
    public struct Request: Sendable {
        public var method: HTTPMethod
        public var path: String
        public var headers: [(String, String)]
        public var body: [UInt8]

        public init(method: HTTPMethod = .GET, path: String, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.headers = headers
            self.body = body
        }
    }

    /// A response other than 200 arrived.
    public struct UnexpectedStatus: Error, CustomStringConvertible {
        public let status: HTTPResponseStatus
        public var description: String { "unexpected HTTP status \(status.code)" }
    }

    private let channels: [any Channel]

    private init(channels: [any Channel]) { self.channels = channels }

    /// Opens the connections.
    public static func connect(host: String = "127.0.0.1", port: Int, connections: Int) async throws -> KeepAliveLoadClient {
        var channels: [any Channel] = []
        for _ in 0..<connections {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(OneAtATimeHandler())
                    }
                }
                .connect(host: host, port: port).get()
            channels.append(channel)
        }
        return KeepAliveLoadClient(channels: channels)
    }

    /// The number of connections.
    public var connectionCount: Int { channels.count }

    /// Sends `request` on connection `index` and waits for the whole response.
    ///
    /// - Throws: ``UnexpectedStatus`` when the answer is not 200, or the channel's error.
    public func send(_ request: Request, on index: Int) async throws {
        let channel = channels[index]
        let promise = channel.eventLoop.makePromise(of: HTTPResponseStatus.self)
        channel.writeAndFlush(OneAtATimeHandler.Outbound(request: request, promise: promise), promise: nil)
        let status = try await promise.futureResult.get()
        guard status == .ok else { throw UnexpectedStatus(status: status) }
    }

    /// Closes every connection.
    public func close() async {
        for channel in channels { try? await channel.close() }
    }
}

/// Writes one request and completes its promise when the response's end arrives.
private final class OneAtATimeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Outbound
    typealias OutboundOut = HTTPClientRequestPart

    struct Outbound {
        var request: KeepAliveLoadClient.Request
        var promise: EventLoopPromise<HTTPResponseStatus>
    }

    private var pending: EventLoopPromise<HTTPResponseStatus>?
    private var status: HTTPResponseStatus = .ok

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let outbound = unwrapOutboundIn(data)
        pending = outbound.promise
        var head = HTTPRequestHead(version: .http1_1, method: outbound.request.method, uri: outbound.request.path)
        for (name, value) in outbound.request.headers { head.headers.add(name: name, value: value) }
        if !head.headers.contains(name: "Host") { head.headers.add(name: "Host", value: "127.0.0.1") }
        if !outbound.request.body.isEmpty || outbound.request.method == .POST {
            head.headers.add(name: "Content-Length", value: String(outbound.request.body.count))
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !outbound.request.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: outbound.request.body)))), promise: nil)
        }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status
        case .body: break
        case .end:
            let promise = pending
            pending = nil
            promise?.succeed(status)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending?.fail(error)
        pending = nil
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.fail(ChannelError.ioOnClosedChannel)
        pending = nil
        context.fireChannelInactive()
    }
}
