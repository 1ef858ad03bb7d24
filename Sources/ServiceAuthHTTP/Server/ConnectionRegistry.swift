import NIOCore
import Synchronization

/// The server's open connections: it bounds their number and lets graceful shutdown quiesce
/// them.
///
/// Quiescing sends NIO's `ChannelShouldQuiesceEvent` down each connection's pipeline:
/// `HTTPServerPipelineHandler` then closes idle connections at once and closes busy ones right
/// after the in-flight response is complete. Connections accepted after shutdown began are
/// quiesced as soon as they register.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
        var refused = 0
    }

    private let state = Mutex(State())

    /// Records a new connection unless `limit` connections are already open; quiesces it
    /// immediately if shutdown has begun.
    ///
    /// The check and the insertion are one step, so connections accepted concurrently on
    /// several event loops cannot overshoot the limit together.
    ///
    /// - Returns: Whether the connection was admitted; a refused one is counted in
    ///   ``refusedCount`` and must be closed by the caller.
    func register(_ channel: any Channel, limit: Int) -> Bool {
        let (admitted, quiesceNow) = state.withLock { state -> (Bool, Bool) in
            guard state.channels.count < limit else {
                state.refused += 1
                return (false, false)
            }
            state.channels[ObjectIdentifier(channel)] = channel
            return (true, state.quiescing)
        }
        if quiesceNow { Self.quiesce(channel) }
        return admitted
    }

    /// Forgets a closed connection.
    func unregister(_ channel: any Channel) {
        _ = state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Quiesces every open connection, and every one registered from now on.
    func quiesceAll() {
        let channels = state.withLock { state -> [any Channel] in
            state.quiescing = true
            return Array(state.channels.values)
        }
        channels.forEach(Self.quiesce)
    }

    /// Whether graceful shutdown has begun.
    var isQuiescing: Bool { state.withLock { $0.quiescing } }

    /// The number of open connections.
    var count: Int { state.withLock { $0.channels.count } }

    /// The number of connections refused because the limit was reached.
    var refusedCount: Int { state.withLock { $0.refused } }

    private static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
