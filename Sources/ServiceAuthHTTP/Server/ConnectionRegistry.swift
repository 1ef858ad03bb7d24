import NIOCore
import Synchronization

/// The server's open connections, so that graceful shutdown can quiesce them.
///
/// Quiescing sends NIO's `ChannelShouldQuiesceEvent` down each connection's pipeline:
/// `HTTPServerPipelineHandler` then closes idle connections at once and closes busy ones right
/// after the in-flight response is complete. Connections accepted after shutdown began are
/// quiesced as soon as they register.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
    }

    private let state = Mutex(State())

    /// Records a new connection; quiesces it immediately if shutdown has begun.
    func register(_ channel: any Channel) {
        let quiesceNow = state.withLock { state -> Bool in
            state.channels[ObjectIdentifier(channel)] = channel
            return state.quiescing
        }
        if quiesceNow { Self.quiesce(channel) }
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

    /// The number of open connections.
    var count: Int { state.withLock { $0.channels.count } }

    private static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
