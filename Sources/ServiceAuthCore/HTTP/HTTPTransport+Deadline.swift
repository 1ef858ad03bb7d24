public import HTTPTypes

extension HTTPTransport {
    /// Sends a request, failing with ``HTTPTransportError/timeout`` once `timeout` has passed
    /// even if the transport itself ignores its deadline.
    ///
    /// Every fetch the core makes on a verification or token path goes through here (JWKS,
    /// token endpoint, STS), so a transport that hangs cannot stall callers — or every caller
    /// waiting on a shared single-flight fetch — past the configured deadline.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body, if any.
    ///   - timeout: The deadline for the whole exchange.
    ///   - maxResponseBytes: The largest response body accepted.
    /// - Returns: The response head and its body.
    /// - Throws: ``HTTPTransportError/timeout``, or what the transport throws.
    public func send(
        _ request: HTTPRequest,
        body: [UInt8]?,
        enforcingDeadline timeout: Duration,
        maxResponseBytes: Int
    ) async throws -> (HTTPResponse, [UInt8]) {
        try await withThrowingTaskGroup(of: (HTTPResponse, [UInt8]).self) { group in
            group.addTask { try await self.send(request, body: body, timeout: timeout, maxResponseBytes: maxResponseBytes) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw HTTPTransportError.timeout
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw HTTPTransportError.timeout }
            return first
        }
    }
}
