import Foundation
import NIOCore
import NIOPosix
import Synchronization

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

extension RawConnection {
    /// What a bounded exchange saw: the bytes the server sent, and whether it closed the
    /// connection before the bound.
    struct Exchange {
        let reply: String
        let closed: Bool
    }

    /// Runs `script` (which writes to the server, perhaps slowly) while reading everything the
    /// server sends, for at most `limit`.
    ///
    /// Unlike ``sendAndReadUntilClose(_:)`` this never hangs on a server that keeps the
    /// connection open: it stops at `limit` and reports `closed == false`.
    func exchange(
        within limit: Duration,
        _ script: @escaping @Sendable (NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Void
    ) async throws -> Exchange {
        try await channel.executeThenClose { inbound, outbound in
            let received = ReceivedBytes()
            let closed = await withTaskGroup(of: Bool?.self) { group in
                group.addTask {
                    do {
                        for try await var chunk in inbound { received.append(&chunk) }
                    } catch {
                        // A reset counts as closed.
                    }
                    return true
                }
                group.addTask {
                    // Writes fail once the server has closed; what it sent is still read.
                    try? await script(outbound)
                    return nil
                }
                group.addTask {
                    try? await Task.sleep(for: limit)
                    return false
                }
                var closed = false
                while let next = await group.next() {
                    if let next {
                        closed = next
                        break
                    }
                }
                group.cancelAll()
                return closed
            }
            return Exchange(reply: received.text, closed: closed)
        }
    }

    /// Writes each piece at its offset from now, from the connection's event loop rather than
    /// from a task, so the timing does not depend on the concurrency pool (which other tests
    /// running in parallel may keep busy for seconds). For tests where a deadline must not fire.
    func writeOnSchedule(_ pieces: [(after: Duration, text: String)]) {
        let channel = self.channel.channel
        for piece in pieces {
            let text = piece.text
            channel.eventLoop.scheduleTask(in: TimeAmount(piece.after)) {
                channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
            }
        }
    }

    /// Sends `text` and reads until the server closes, for at most 10 s.
    func sendExpectingClose(_ text: String) async throws -> Exchange {
        try await exchange(within: .seconds(10)) { outbound in
            try await outbound.write(ByteBuffer(string: text))
        }
    }

    /// Runs `body` with this connection kept open, sending requests and reading responses one
    /// at a time.
    func withSession<T>(_ body: (RawSession) async throws -> T) async throws -> T {
        try await channel.executeThenClose { inbound, outbound in
            try await body(RawSession(inbound: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }
}

/// A kept-open raw connection: one request at a time, each response framed by its
/// `Content-Length`.
final class RawSession {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending = ByteBuffer()

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends `GET path` (keep-alive) and returns the response's head and body, or `nil` when
    /// the server closed the connection instead.
    func get(_ path: String) async throws -> String? {
        try await outbound.write(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n"))
        return try await readResponse()
    }

    /// Sends raw bytes.
    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Reads one response, or returns `nil` when the server closes first.
    func readResponse() async throws -> String? {
        while true {
            let text = String(buffer: pending)
            if let headEnd = text.range(of: "\r\n\r\n") {
                let head = text[..<headEnd.lowerBound].lowercased()
                let length = head.split(separator: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                let total = text.utf8.distance(from: text.startIndex, to: headEnd.upperBound) + length
                if pending.readableBytes >= total {
                    return pending.readString(length: total)
                }
            }
            do {
                guard var chunk = try await inbound.next() else { return nil }
                pending.writeBuffer(&chunk)
            } catch {
                return nil
            }
        }
    }
}

/// Bytes collected by a reading task while others write.
private final class ReceivedBytes: Sendable {
    private let buffer = Mutex(ByteBuffer())
    func append(_ chunk: inout ByteBuffer) { buffer.withLock { _ = $0.writeBuffer(&chunk) } }
    var text: String { buffer.withLock { String(buffer: $0) } }
}
