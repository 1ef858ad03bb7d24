import NIOCore
import NIOHTTP1

/// Makes HTTP/1.0's default of closing the connection explicit as `Connection: close`.
///
/// swift-http-types' `HTTPRequest` has no protocol version, so once the request is converted
/// the server could no longer tell an HTTP/1.0 client (close unless `keep-alive`) from an
/// HTTP/1.1 one (keep-alive unless `close`). Writing the decision into the header keeps the
/// keep-alive rule in one place.
final class KeepAliveNormalizer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive {
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension KeepAliveNormalizer: Sendable {}
