import NIOCore

/// Tells, on a cleartext connection, whether the client speaks HTTP/2 with prior knowledge
/// (h2c, RFC 9113 §3.3: the connection opens with the 24-byte preface `PRI * HTTP/2.0…`) or
/// HTTP/1.1, from the first bytes, as Envoy's codec `AUTO` does.
///
/// It holds the bytes it has seen until the pipeline for the detected protocol is in place,
/// then hands them on and leaves the pipeline. It decides as soon as the bytes differ from
/// the preface, so an HTTP/1.1 request never waits for 24 bytes; a client that sends too few
/// bytes to tell within the deadline (the request-head deadline) is disconnected.
final class HTTP2PrefaceDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Completed with `true` for HTTP/2, `false` for HTTP/1.1.
    let isHTTP2: EventLoopPromise<Bool>
    private var buffered: ByteBuffer?
    private var decided = false
    private let timeout: TimeAmount
    private var timer = ChannelCloseTimer()

    init(eventLoop: any EventLoop, timeout: Duration) {
        self.isHTTP2 = eventLoop.makePromise()
        self.timeout = TimeAmount(timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer.start(context, after: timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
        if !decided {
            decided = true
            isHTTP2.fail(ChannelError.eof)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffered == nil {
            buffered = bytes
        } else {
            buffered!.writeBuffer(&bytes)
        }
        guard !decided, let seen = buffered else { return }
        let count = min(seen.readableBytes, Self.preface.count)
        let prefix = seen.readableBytesView.prefix(count)
        if !prefix.elementsEqual(Self.preface.prefix(count)) {
            decide(false)
        } else if count == Self.preface.count {
            decide(true)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !decided {
            decided = true
            isHTTP2.fail(ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        if let bytes = buffered.take(), bytes.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(bytes))
            context.fireChannelReadComplete()
        }
        context.leavePipeline(removalToken: removalToken)
    }

    private func decide(_ http2: Bool) {
        timer.cancel()
        decided = true
        isHTTP2.succeed(http2)
    }
}

@available(*, unavailable)
extension HTTP2PrefaceDetector: Sendable {}
