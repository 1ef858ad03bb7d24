import NIOCore

/// The whole pipeline of a connection accepted past ``HTTPServerConfiguration/maxConnections``:
/// it closes the connection as soon as it is active, before anything is read from it.
///
/// The connection is closed from inside its own pipeline rather than by failing the child
/// channel initializer: NIO's async `ServerBootstrap` neither registers nor closes a channel
/// whose initializer failed, so a failure would leak its socket.
final class ConnectionLimitCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { context.close(promise: nil) }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Nothing from a refused client is processed.
    }
}

@available(*, unavailable)
extension ConnectionLimitCloser: Sendable {}
