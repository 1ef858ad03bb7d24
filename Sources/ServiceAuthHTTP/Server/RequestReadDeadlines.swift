import Logging
import NIOCore
import NIOHTTP1

/// The header-read and body-progress deadlines of one connection (``HTTPServerConfiguration/headerReadTimeout``,
/// ``HTTPServerConfiguration/bodyReadTimeout``).
///
/// Two handlers share it, both created per connection: ``RequestBytesObserver`` in front of
/// the HTTP decoder sees raw bytes (a request head starts with its first byte) and the reads the
/// server asks for; ``RequestPartsObserver`` right after the decoder sees heads and body bytes
/// as the client sends them. It sits before `HTTPServerPipelineHandler`, which holds pipelined
/// requests back while a response is in progress, so the deadlines measure the client, never the
/// server's queue.
///
/// A deadline's clock runs only while the server is waiting for the client: a `read()` has
/// reached the front of the pipeline and no bytes have answered it yet. While the server is not
/// reading — `HTTPServerPipelineHandler` withholds reads until a response is complete,
/// `NIOAsyncChannel` withholds them when the handler does not consume — the clock stops, so a
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
    /// Since when the server has not been reading (only tracked while a deadline runs).
    private var notReadingSince: NIODeadline?
    private var readOutstanding = false
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

    /// The handler for right after the HTTP decoder, before `HTTPServerPipelineHandler`.
    var partsObserver: RequestPartsObserver { RequestPartsObserver(self) }

    // MARK: Events from the handlers

    fileprivate func bytesReceived() {
        readOutstanding = false
        switch phase {
        case .betweenRequests:
            phase = .head
            arm(headerTimeout)
        case .head, .body:
            if deadline != nil { notReadingSince = .now() }
        }
    }

    fileprivate func readRequested() {
        readOutstanding = true
        if let since = notReadingSince, let current = deadline {
            // The server was not reading: that time is not the client's.
            deadline = current + (.now() - since)
        }
        notReadingSince = nil
    }

    fileprivate func headReceived() {
        phase = .body
        arm(bodyTimeout)
    }

    fileprivate func bodyReceived() {
        arm(bodyTimeout)
    }

    fileprivate func endReceived() {
        phase = .betweenRequests
        deadline = nil
        notReadingSince = nil
    }

    fileprivate func responseHeadWritten() { responseInProgress = true }

    fileprivate func responseEndWritten() { responseInProgress = false }

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
        notReadingSince = readOutstanding ? nil : now
        if timer == nil { schedule(at: expiry) }
    }

    private func schedule(at time: NIODeadline) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: time) { self.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let deadline else { return }
        let now = NIODeadline.now()
        if let since = notReadingSince {
            // The server is not reading. If the client was already late when it stopped, it
            // is late; otherwise its remaining time starts again when reading resumes.
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
        if !responseInProgress { HTTP1RequestGuard.writeClosingResponse(.requestTimeout, context: context) }
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
