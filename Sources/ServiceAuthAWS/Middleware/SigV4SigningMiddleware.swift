public import Foundation
public import HTTPTypes
public import ServiceAuthCore

/// Signs outgoing requests with AWS SigV4, using credentials from a provider.
///
/// The body is buffered (bounded by ``maxBodyBytes``) so its hash can be signed; temporary
/// credentials add a signed `X-Amz-Security-Token`. Put this middleware last in the client
/// chain so it signs the final headers.
///
/// Requests whose method is in ``nonceMethods`` get a random, signed ``nonceHeader``: two
/// identical writes in the same second would otherwise carry the same signature, and a
/// verifier with replay protection would refuse the second as a replay.
public struct SigV4SigningMiddleware: ClientMiddleware {
    /// The header carrying a per-request random value, so identical requests sign differently.
    public static let nonceHeader = HTTPField.Name("X-Request-Nonce")!
    /// The signer (region, service, variant).
    public var signer: SigV4Signer
    /// Where the credentials come from.
    public var credentialsProvider: any AWSCredentialsProvider
    /// How the body is signed (default: its hash, also sent as `x-amz-content-sha256`).
    public var payload: SigV4Signer.Payload
    /// The largest body that is buffered and signed.
    public var maxBodyBytes: Int
    /// The methods whose requests get a signed ``nonceHeader`` (default: `POST`, `PUT`,
    /// `PATCH`, `DELETE`, the ones verifiers protect against replay).
    public var nonceMethods: Set<HTTPRequest.Method>
    private let now: @Sendable () -> Date

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - signer: The signer.
    ///   - credentialsProvider: The credentials source.
    ///   - payload: How the body is signed (default `.bodyHashHeader`).
    ///   - maxBodyBytes: The largest body signed (default 8 MiB).
    ///   - nonceMethods: Methods whose requests get a signed nonce.
    ///   - now: The clock.
    public init(
        signer: SigV4Signer,
        credentialsProvider: any AWSCredentialsProvider,
        payload: SigV4Signer.Payload = .bodyHashHeader,
        maxBodyBytes: Int = 8 << 20,
        nonceMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.signer = signer
        self.credentialsProvider = credentialsProvider
        self.payload = payload
        self.maxBodyBytes = maxBodyBytes
        self.nonceMethods = nonceMethods
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
    public func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        let bytes = try await body.collect(upTo: maxBodyBytes)
        let credentials = try await credentialsProvider.credentials()
        var request = request
        if nonceMethods.contains(request.method), request.headerFields[Self.nonceHeader] == nil {
            var generator = SystemRandomNumberGenerator()
            request.headerFields[Self.nonceHeader] = (0..<2).map { _ in
                let value = String(generator.next() as UInt64, radix: 16)
                return String(repeating: "0", count: 16 - value.count) + value
            }.joined()
        }
        let signed = signer.sign(request, body: bytes, credentials: credentials, date: now(), payload: payload)
        return try await next(signed.request, MessageBody(bytes))
    }
}
