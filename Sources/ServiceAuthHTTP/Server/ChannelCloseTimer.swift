import NIOCore

/// A deadline that closes a handler's channel when it passes: the one timer behind the TLS
/// handshake, h2c preface, HTTP/2 body and graceful-close deadlines. Used on the channel's
/// event loop only, by the handler that owns it.
struct ChannelCloseTimer {
    private var scheduled: Scheduled<Void>?

    /// Whether a deadline is set.
    var isRunning: Bool { scheduled != nil }

    /// Sets the deadline `timeout` from now, replacing any earlier one.
    mutating func start(_ context: ChannelHandlerContext, after timeout: TimeAmount) {
        scheduled?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        scheduled = context.eventLoop.scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }

    /// Clears the deadline.
    mutating func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}
