import NIOCore
import NIOHTTP1

/// What the server enforces on HTTP/1 requests between NIO's decoder and the conversion to
/// swift-http-types, in one handler so each request part is unwrapped once rather than by a
/// chain of small handlers:
///
/// - **Parse errors** are answered before the connection closes: `431 Request Header Fields
///   Too Large` when the head is larger than the configured limit (RFC 6585 §5; NIO's own
///   `HTTPServerProtocolErrorHandler` always answers `400`), `400 Bad Request` for anything
///   else the decoder rejects. The decoder closes the connection right after the error, so
///   the response is written synchronously.
/// - **`Host`** (RFC 9112 §3.2): an HTTP/1.1 request without `Host`, with more than one, or
///   with a comma-separated one gets `400` and the connection is closed. swift-http-types'
///   conversion silently takes the first `Host` as the authority and keeps a second as an
///   ordinary field, so a proxy, a SigV4 canonicaliser and the handler could each believe a
///   different host. Nothing of a refused request reaches the handler, and nothing pipelined
///   behind it is read under the same ambiguity.
/// - **Keep-alive**: HTTP/1.0's default of closing is made explicit as `Connection: close`.
///   `HTTPRequest` has no protocol version, so once converted the server could no longer tell
///   an HTTP/1.0 client (close unless `keep-alive`) from an HTTP/1.1 one (keep-alive unless
///   `close`); writing the decision into the header keeps the rule in one place.
final class HTTP1RequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A response head has been written and its end not yet.
    private var responseInProgress = false
    /// A request was refused: the rest of it, and anything behind it, is dropped.
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        guard Self.hasUnambiguousHost(head) else {
            refused = true
            answerAndClose(context: context, status: .badRequest)
            return
        }
        if !head.isKeepAlive {
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if !responseInProgress, !refused {
            answerAndClose(context: context, status: parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest)
        } else {
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responseInProgress = true
        case .end: responseInProgress = false
        default: break
        }
        context.write(data, promise: promise)
    }

    /// Exactly one `Host` holding one value; HTTP/1.0 may omit it.
    static func hasUnambiguousHost(_ head: HTTPRequestHead) -> Bool {
        let hosts = head.headers["host"]
        switch hosts.count {
        case 0: return head.version.major == 1 && head.version.minor == 0
        case 1: return !hosts[0].utf8.contains(UInt8(ascii: ","))  // bytes: no Foundation search per request
        default: return false
        }
    }

    private func answerAndClose(context: ChannelHandlerContext, status: HTTPResponseStatus) {
        Self.writeClosingResponse(status, context: context)
        context.close(promise: nil)
    }

    /// Writes an empty `status` response with `Connection: close` from below the conversion to
    /// swift-http-types (the handlers that refuse a connection: this one, the read deadlines).
    /// The caller closes the connection.
    static func writeClosingResponse(_ status: HTTPResponseStatus, context: ChannelHandlerContext) {
        let headers = HTTPHeaders([("connection", "close"), ("content-length", "0")])
        context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
    }
}

@available(*, unavailable)
extension HTTP1RequestGuard: Sendable {}
