public import Foundation
public import HTTPTypes

/// Signs outgoing requests with AWS SigV4, using credentials from a provider.
///
/// The body is buffered (bounded by ``maxBodyBytes``) so its hash can be signed; temporary
/// credentials add a signed `X-Amz-Security-Token`. Put this middleware last in the client
/// chain so it signs the final headers.
public struct SigV4SigningMiddleware: ClientMiddleware {
    /// The signer (region, service, variant).
    public var signer: SigV4Signer
    /// Where the credentials come from.
    public var credentialsProvider: any AWSCredentialsProvider
    /// How the body is signed (default: its hash, also sent as `x-amz-content-sha256`).
    public var payload: SigV4Signer.Payload
    /// The largest body that is buffered and signed.
    public var maxBodyBytes: Int
    private let now: @Sendable () -> Date

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - signer: The signer.
    ///   - credentialsProvider: The credentials source.
    ///   - payload: How the body is signed (default `.bodyHashHeader`).
    ///   - maxBodyBytes: The largest body signed (default 8 MiB).
    ///   - now: The clock.
    public init(
        signer: SigV4Signer,
        credentialsProvider: any AWSCredentialsProvider,
        payload: SigV4Signer.Payload = .bodyHashHeader,
        maxBodyBytes: Int = 8 << 20,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.signer = signer
        self.credentialsProvider = credentialsProvider
        self.payload = payload
        self.maxBodyBytes = maxBodyBytes
        self.now = now
    }

    /// Signs the request and passes it on.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: The provider's errors, ``MessageBodyTooLarge``, and whatever `next` throws.
    public func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        next: ClientNext
    ) async throws -> (HTTPResponse, MessageBody) {
        let bytes = try await body.collect(upTo: maxBodyBytes)
        let credentials = try await credentialsProvider.credentials()
        let signed = signer.sign(request, body: bytes, credentials: credentials, date: now(), payload: payload)
        return try await next(signed.request, MessageBody(bytes))
    }
}
