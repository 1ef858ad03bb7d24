import NIOCore
import NIOPosix

/// A plain TCP connection for sending bytes no HTTP client would send.
struct RawConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(port: Int) async throws -> RawConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawConnection(channel: channel)
    }

    /// Sends `bytes` and reads everything until the server closes the connection.
    func sendAndReadUntilClose(_ bytes: [UInt8]) async throws -> String {
        try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty {
                do {
                    try await outbound.write(ByteBuffer(bytes: bytes))
                } catch {
                    // The server may already have answered and closed (e.g. 431 before the
                    // whole request was sent); what it sent is still read below.
                }
            }
            var received = ByteBuffer()
            do {
                for try await var chunk in inbound { received.writeBuffer(&chunk) }
            } catch {
                // A reset after the response still counts as closed.
            }
            return String(buffer: received)
        }
    }
}
