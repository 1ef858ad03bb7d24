public import Foundation
public import HTTPTypes
public import ServiceAuthCore

/// Proves the caller's IAM identity to a service outside AWS: attaches
/// `Authorization: Bearer sts-v1.<presigned GetCallerIdentity URL>` made from the caller's
/// credentials (see ``STSDelegationTokenGenerator``); the receiving service verifies it with
/// ``STSDelegationVerifier``. A fresh token is made per request; it is short-lived and bound
/// to the receiving service's audience.
public struct SigV4STSDelegationMiddleware: ClientMiddleware {
    /// Makes the tokens.
    public var generator: STSDelegationTokenGenerator
    /// The caller's credentials.
    public var credentialsProvider: any AWSCredentialsProvider
    private let now: @Sendable () -> Date

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - generator: The token generator (STS endpoint, audience, lifetime).
    ///   - credentialsProvider: The caller's credentials.
    ///   - now: The clock.
    public init(
        generator: STSDelegationTokenGenerator,
        credentialsProvider: any AWSCredentialsProvider,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.generator = generator
        self.credentialsProvider = credentialsProvider
        self.now = now
    }

    /// Attaches a delegation token and passes the request on.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - next: The rest of the chain.
    /// - Returns: The response.
    /// - Throws: The provider's errors, ``SigV4Error`` for an unusable configuration, and
    ///   whatever `next` throws.
    public func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        var request = request
        let token = try generator.token(credentials: try await credentialsProvider.credentials(), date: now())
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body)
    }
}
