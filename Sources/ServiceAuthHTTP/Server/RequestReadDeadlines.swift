import Logging
import NIOCore
import NIOHTTP1

/// The header-read and body-progress deadlines of one connection (``HTTPServerConfiguration/headerReadTimeout``,
/// ``HTTPServerConfiguration/bodyReadTimeout``).
///
/// Two handlers share it, both created per connection: ``RequestBytesObserver`` in front of
/// the HTTP decoder sees raw bytes (a request head starts with its first byte) and the reads the
/// server asks for; ``RequestPartsObserver`` right after the decoder sees heads and body bytes
/// as the client sends them, before anything that could hold them back (NIO's pipelining
/// handler holds pipelined requests while a response is in progress), so the deadlines measure
/// the client, never the server's queue.
///
/// A deadline's clock runs only while the server is waiting for the client: a `read()` has
/// reached the front of the pipeline, no bytes have answered it yet, and every earlier request
/// on the connection has been answered. While the server is not reading (the pipelining
/// handler and `NIOAsyncChannel` withhold reads while earlier work is pending), and while a
/// pipelined request waits behind one the server is still working on, the clock stops, so a
/// slow server never gets a client's connection killed. The body deadline restarts with every
/// body byte; chunk framing, extensions and trailers are not progress.
///
/// The timer is one scheduled task per connection, rescheduled lazily when it fires early, so
/// neither a trickled byte nor a body chunk costs more than reading the clock.
///
/// One approximation: bytes of a next request that arrive in the same read as the end of the
/// previous one (pipelining) start the header deadline only at the next read, since the decoder
/// does not say where in a buffer a request ended. Until then the idle timeout bounds them.
final class RequestReadDeadlines {
    private enum Phase { case betweenRequests, head, body }

    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let logger: Logger

    private var phase = Phase.betweenRequests
    /// When the current phase expires, if the server keeps waiting for the client until then.
    private var deadline: NIODeadline?
    /// Since when the clock has been stopped (only tracked while a deadline runs).
    private var pausedSince: NIODeadline?
    /// A `read()` reached the front of the pipeline and no bytes have answered it yet.
    private var readOutstanding = false
    /// Requests whose head arrived and whose response has not been written completely.
    private var unansweredRequests = 0
    private var responseInProgress = false
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(headerTimeout: Duration, bodyTimeout: Duration, logger: Logger) {
        self.headerTimeout = TimeAmount(headerTimeout)
        self.bodyTimeout = TimeAmount(bodyTimeout)
        self.logger = logger
    }

    /// The handler for the front of the pipeline, before the HTTP decoder.
    var bytesObserver: RequestBytesObserver { RequestBytesObserver(self) }

    /// The handler for right after the HTTP decoder.
    var partsObserver: RequestPartsObserver { RequestPartsObserver(self) }

    // MARK: Events from the handlers

    fileprivate func bytesReceived() {
        readOutstanding = false
        switch phase {
        case .betweenRequests:
            phase = .head
            arm(headerTimeout)
        case .head, .body:
            updateClock()
        }
    }

    fileprivate func readRequested() {
        readOutstanding = true
        updateClock()
    }

    fileprivate func headReceived() {
        unansweredRequests += 1
        phase = .body
        arm(bodyTimeout)
    }

    fileprivate func bodyReceived() {
        arm(bodyTimeout)
    }

    fileprivate func endReceived() {
        phase = .betweenRequests
        deadline = nil
        pausedSince = nil
    }

    fileprivate func responseHeadWritten() { responseInProgress = true }

    fileprivate func responseEndWritten() {
        responseInProgress = false
        unansweredRequests = max(0, unansweredRequests - 1)
        updateClock()
    }

    fileprivate func attach(_ context: ChannelHandlerContext) { self.context = context }

    fileprivate func detach() {
        timer?.cancel()
        timer = nil
        deadline = nil
        context = nil
    }

    // MARK: The clock

    private func arm(_ timeout: TimeAmount) {
        let now = NIODeadline.now()
        let expiry = now + timeout
        deadline = expiry
        pausedSince = nil
        updateClock(now: now)
        if timer == nil { schedule(at: expiry) }
    }

    /// Whether the request being read waits behind an earlier one the server has not
    /// answered yet (pipelining): until then its time is the server's, not the client's.
    private var isBehindUnansweredRequest: Bool {
        unansweredRequests > (phase == .body ? 1 : 0)
    }

    /// Stops or restarts the clock after any change of what it depends on: it runs only while
    /// the server is reading and has answered every request before the one being read.
    private func updateClock(now: NIODeadline = .now()) {
        guard let current = deadline else {
            pausedSince = nil
            return
        }
        if !readOutstanding || isBehindUnansweredRequest {
            if pausedSince == nil { pausedSince = now }
        } else if let since = pausedSince {
            // The pause was the server's: that time is not the client's.
            deadline = current + (now - since)
            pausedSince = nil
        }
    }

    private func schedule(at time: NIODeadline) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) { self.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let deadline else { return }
        let now = NIODeadline.now()
        if let since = pausedSince {
            // The clock is stopped. If the client was already late when it stopped, it is
            // late; otherwise its remaining time starts again when the clock does.
            if deadline <= since { return expire() }
            schedule(at: now + (deadline - since))
        } else if now >= deadline {
            expire()
        } else {
            schedule(at: deadline)
        }
    }

    /// `408` with `Connection: close` when no response has begun (RFC 9110 §15.5.9), then
    /// close either way: a response in progress cannot be interrupted by another.
    private func expire() {
        guard let context else { return }
        logger.debug("request read deadline expired", metadata: ["phase": "\(phase == .head ? "head" : "body")"])
        deadline = nil
        if !responseInProgress {
            let headers = HTTPHeaders([("connection", "close"), ("content-length", "0")])
            context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers))), promise: nil)
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        }
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RequestReadDeadlines: Sendable {}

/// Tells ``RequestReadDeadlines`` when raw bytes arrive and when the server asks for more.
/// Sits in front of the HTTP decoder.
final class RequestBytesObserver: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let deadlines: RequestReadDeadlines

    fileprivate init(_ deadlines: RequestReadDeadlines) { self.deadlines = deadlines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if unwrapInboundIn(data).readableBytes > 0 { deadlines.bytesReceived() }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        deadlines.readRequested()
        context.read()
    }
}

@available(*, unavailable)
extension RequestBytesObserver: Sendable {}

/// Tells ``RequestReadDeadlines`` when a request head, body bytes and the end arrive, and when
/// a response begins and ends; writes the `408`. Sits right after the HTTP decoder.
final class RequestPartsObserver: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let deadlines: RequestReadDeadlines

    fileprivate init(_ deadlines: RequestReadDeadlines) { self.deadlines = deadlines }

    func handlerAdded(context: ChannelHandlerContext) { deadlines.attach(context) }

    func handlerRemoved(context: ChannelHandlerContext) { deadlines.detach() }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.detach()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadlines.headReceived()
        case .body(let bytes) where bytes.readableBytes > 0: deadlines.bodyReceived()
        case .body: break
        case .end: deadlines.endReceived()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: deadlines.responseHeadWritten()
        case .end: deadlines.responseEndWritten()
        default: break
        }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension RequestPartsObserver: Sendable {}
