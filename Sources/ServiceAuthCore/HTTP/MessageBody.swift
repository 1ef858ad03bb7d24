/// The body of an HTTP request or response, as the middleware of this package sees it.
///
/// A body is either bytes already in memory or a stream of chunks read once. Code that
/// needs the whole body (a SigV4 verifier hashing the payload, a handler decoding JSON)
/// calls ``collect(upTo:)``, which never holds more than the given number of bytes.
public struct MessageBody: Sendable, AsyncSequence {
    /// A chunk of the body.
    public typealias Element = ArraySlice<UInt8>
    /// The error a streaming body may throw.
    public typealias Failure = any Error

    enum Storage: Sendable {
        case bytes([UInt8])
        case stream(AsyncThrowingStream<ArraySlice<UInt8>, any Error>, length: Int?)
    }

    let storage: Storage

    /// An empty body.
    public init() { storage = .bytes([]) }

    /// A body holding `bytes`.
    public init(_ bytes: some Sequence<UInt8>) { storage = .bytes(Array(bytes)) }

    /// A body holding the UTF-8 bytes of `string`.
    public init(_ string: String) { storage = .bytes(Array(string.utf8)) }

    /// A streaming body that can be iterated once.
    ///
    /// - Parameters:
    ///   - stream: The chunks of the body.
    ///   - length: The total length when known in advance (e.g. from `Content-Length`).
    public init(stream: AsyncThrowingStream<ArraySlice<UInt8>, any Error>, length: Int?) {
        storage = .stream(stream, length: length)
    }

    /// A streaming body read from any sequence of byte chunks (e.g. another framework's body
    /// type), iterated once.
    ///
    /// - Parameters:
    ///   - sequence: The chunks.
    ///   - length: The total length when known in advance.
    public init<Chunks: AsyncSequence & Sendable>(chunks sequence: Chunks, length: Int?) where Chunks.Element == ArraySlice<UInt8> {
        let source = IteratorBox(sequence.makeAsyncIterator())
        self.init(stream: AsyncThrowingStream { try await source.next() }, length: length)
    }

    /// The total length when known in advance.
    public var length: Int? {
        switch storage {
        case .bytes(let bytes): bytes.count
        case .stream(_, let length): length
        }
    }

    /// The body's bytes if it is held in memory, else `nil`.
    public var bufferedBytes: [UInt8]? {
        if case .bytes(let bytes) = storage { return bytes }
        return nil
    }

    /// Reads the whole body into memory.
    ///
    /// - Parameter limit: The largest number of bytes accepted.
    /// - Returns: The body's bytes.
    /// - Throws: ``MessageBodyTooLarge`` when the body holds more than `limit` bytes (reading
    ///   stops there), or the stream's own error.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        switch storage {
        case .bytes(let bytes):
            guard bytes.count <= limit else { throw MessageBodyTooLarge(limit: limit) }
            return bytes
        case .stream(let stream, let length):
            if let length, length > limit { throw MessageBodyTooLarge(limit: limit) }
            var result: [UInt8] = []
            result.reserveCapacity(Swift.min(length ?? 0, limit))
            for try await chunk in stream {
                guard chunk.count <= limit - result.count else { throw MessageBodyTooLarge(limit: limit) }
                result.append(contentsOf: chunk)
            }
            return result
        }
    }

    /// Iterates the body's chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        enum State {
            case bytes([UInt8]?)
            case stream(AsyncThrowingStream<ArraySlice<UInt8>, any Error>.AsyncIterator)
        }
        var state: State

        /// The next chunk, or `nil` at the end.
        public mutating func next() async throws -> ArraySlice<UInt8>? {
            switch state {
            case .bytes(let bytes):
                state = .bytes(nil)
                guard let bytes, !bytes.isEmpty else { return nil }
                return bytes[...]
            case .stream(var iterator):
                let chunk = try await iterator.next()
                state = .stream(iterator)
                return chunk
            }
        }
    }

    /// Makes an iterator over the body's chunks.
    public func makeAsyncIterator() -> AsyncIterator {
        switch storage {
        case .bytes(let bytes): AsyncIterator(state: .bytes(bytes))
        case .stream(let stream, _): AsyncIterator(state: .stream(stream.makeAsyncIterator()))
        }
    }
}

/// Thrown when a body is larger than a configured limit.
public struct MessageBodyTooLarge: Error, Sendable, Hashable, CustomStringConvertible {
    /// The limit, in bytes, that the body exceeded.
    public var limit: Int
    /// Creates the error.
    public init(limit: Int) { self.limit = limit }
    /// A readable description.
    public var description: String { "body exceeds the limit of \(limit) bytes" }
}

/// Holds a sequence's iterator for `AsyncThrowingStream(unfolding:)`.
///
/// `@unchecked Sendable` is safe here: the stream calls its unfolding closure for one element at
/// a time and never concurrently (the next call starts only after the previous one returned),
/// so `iterator` is never accessed from two tasks at once.
private final class IteratorBox<Iterator: AsyncIteratorProtocol>: @unchecked Sendable where Iterator.Element == ArraySlice<UInt8> {
    private var iterator: Iterator
    init(_ iterator: Iterator) { self.iterator = iterator }
    func next() async throws -> ArraySlice<UInt8>? { try await iterator.next() }
}
