import NIOCore
import NIOHTTP1

/// Refuses requests whose `Host` is ambiguous with `400 Bad Request` and closes the connection.
///
/// RFC 9112 §3.2: a server MUST answer `400` to an HTTP/1.1 request without `Host`, or with
/// more than one `Host` field or an invalid one. swift-http-types' conversion
/// (`HTTP1ToHTTPServerCodec`) silently takes the first `Host` as the authority and keeps the
/// second as an ordinary header field, so a proxy, a SigV4 canonicaliser and the handler could
/// each believe a different host. A comma-separated value is the same ambiguity after a proxy
/// joined two fields. Nothing of a refused request reaches the handler, and the connection is
/// closed so no request pipelined behind it is read under the same ambiguity.
final class RequestHeadValidator: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }  // the rest of a refused request, or requests behind it
        if case .head(let head) = unwrapInboundIn(data), !Self.hasUnambiguousHost(head) {
            refused = true
            let headers = HTTPHeaders([("connection", "close"), ("content-length", "0")])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
    }

    /// Exactly one `Host` holding one value; HTTP/1.0 may omit it.
    static func hasUnambiguousHost(_ head: HTTPRequestHead) -> Bool {
        let hosts = head.headers["host"]
        switch hosts.count {
        case 0: return head.version.major == 1 && head.version.minor == 0
        case 1: return !hosts[0].contains(",")
        default: return false
        }
    }
}

@available(*, unavailable)
extension RequestHeadValidator: Sendable {}
