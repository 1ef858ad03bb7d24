import Hummingbird
import NIOCore
import ServiceAuthCore

/// Lends a Hummingbird request body to core code as a ``MessageBody`` and gives the request
/// back the body that code leaves.
///
/// The Hummingbird body is a stream that can be iterated only once, so it is opened only if
/// the core code reads it (SigV4 does, a bearer token does not). A mechanism that reads it
/// replaces the ``MessageBody`` with the bytes it read; those bytes become the request's body,
/// so the handler sees exactly what was verified.
enum RequestBodyBridge {
    /// Runs `operation` on the request's body as a ``MessageBody``.
    ///
    /// - Parameters:
    ///   - request: The request; its body is replaced when `operation` read or replaced it.
    ///   - operation: The core code.
    /// - Returns: What `operation` returns.
    static func withMessageBody<T>(
        of request: inout Request,
        _ operation: (inout MessageBody) async throws -> T
    ) async throws -> T {
        let source = RequestBodySource(request.body)
        let length = request.headers[.contentLength].flatMap { Int($0) }
        var body = MessageBody(stream: AsyncThrowingStream { try await source.next() }, length: length)
        let result = try await operation(&body)
        if let bytes = body.bufferedBytes {
            request.body = RequestBody(buffer: ByteBuffer(bytes: bytes))
        } else if await source.isOpened {
            // Read in part and handed on as a stream: the rest still flows to the handler.
            request.body = RequestBody(asyncSequence: body.map { @Sendable chunk in ByteBuffer(bytes: chunk) })
        }
        return result
    }
}

/// A Hummingbird request body opened on first read.
///
/// An actor, so the single-use iterator it holds is never touched by two tasks at once.
actor RequestBodySource {
    private let body: RequestBody
    private var iterator: RequestBody.AsyncIterator?
    /// Whether the body has been opened.
    private(set) var isOpened = false

    init(_ body: RequestBody) { self.body = body }

    /// The next chunk, opening the body on the first call; after an error, the end.
    func next() async throws -> ArraySlice<UInt8>? {
        if !isOpened {
            isOpened = true
            iterator = body.makeAsyncIterator()
        }
        guard var current = iterator else { return nil }
        iterator = nil
        let buffer = try await current.next(isolation: self)
        iterator = current
        return buffer.map { ArraySlice($0.readableBytesView) }
    }
}
