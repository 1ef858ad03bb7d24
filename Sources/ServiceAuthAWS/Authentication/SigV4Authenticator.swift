import Crypto
public import HTTPTypes
public import ServiceAuthCore

/// Identifies the caller by its AWS Signature Version 4, as API Gateway's IAM authorisation
/// does (header form or presigned query), and makes the signing principal the caller.
///
/// - no SigV4 credential (no `AWS4-HMAC-SHA256` `Authorization` header and no presigned
///   `X-Amz-*` query): absent; the route's `401` is then `MissingAuthenticationToken` (or
///   `IncompleteSignature` when another `Authorization` scheme was sent), with an
///   `AWS4-HMAC-SHA256` challenge;
/// - a signature that does not verify: `401` with ``SigV4Error``'s code;
/// - a valid one: ``AuthContext/caller`` is a `.role` identity (principal = the IAM ARN,
///   subject = the access key id).
///
/// The body is read once, bounded by ``maxBodyBytes`` (``MessageBody/collect(upTo:)``), and
/// hashed, so the payload hash is checked against the exact bytes received; the handler gets
/// those bytes.
/// Which principals may call is the route's policy (``AuthorizationPolicy/principals(_:)``).
public struct SigV4Authenticator: Authenticator {
    /// The verifier.
    public var verifier: SigV4Verifier
    /// The largest body read for verification.
    public var maxBodyBytes: Int

    /// Creates the authenticator.
    ///
    /// - Parameters:
    ///   - verifier: The SigV4 verifier.
    ///   - maxBodyBytes: The largest body accepted (default 1 MiB, the server's default limit).
    public init(verifier: SigV4Verifier, maxBodyBytes: Int = 1 << 20) {
        self.verifier = verifier
        self.maxBodyBytes = maxBodyBytes
    }

    /// ``maxBodyBytes``: the body is hashed, so it is read.
    public var bodyLimit: Int? { maxBodyBytes }

    /// Verifies the request's signature, if it carries one.
    public func authenticate(_ request: HTTPRequest, body: inout MessageBody, auth: inout AuthContext, context: RequestContext)
        async throws -> Bool
    {
        guard Self.carriesSignature(request) else { return false }
        let bytes = try await body.collect(upTo: maxBodyBytes)
        let verified: SigV4VerifiedRequest
        do {
            verified = try await verifier.verify(request, bodySHA256: SigV4Canonical.hex(SHA256.hash(data: bytes)), localPort: context.localPort)
        } catch {
            context.logger.debug("SigV4 verification failed", metadata: ["code": "\(error.code.rawValue)"])
            throw error
        }
        try auth.recordCaller(verified.identity)
        body = MessageBody(bytes)
        return true
    }

    /// `401 MissingAuthenticationToken`, or `IncompleteSignature` when the request used another
    /// `Authorization` scheme, with an `AWS4-HMAC-SHA256` challenge.
    public func unauthenticatedFailure(for request: HTTPRequest) -> AuthFailure? {
        if request.headerFields[.authorization] != nil {
            return SigV4Error(.incompleteSignature, "the Authorization header is not an AWS4-HMAC-SHA256 signature").authFailure
        }
        return SigV4Error(.missingAuthenticationToken, "the request carries no AWS4-HMAC-SHA256 signature").authFailure
    }

    /// Whether the request carries a SigV4 credential at all: an `Authorization` header in the
    /// `AWS4-` scheme family (or several headers, which the verifier refuses), or a presigned
    /// query — its parameters read by the verifier's own query parser, so a percent-encoded
    /// `X-Amz-Algorithm` is seen here exactly as the verifier sees it.
    static func carriesSignature(_ request: HTTPRequest) -> Bool {
        let authorization = request.headerFields[values: .authorization]
        if authorization.count > 1 { return true }
        if let value = authorization.first, value.utf8.count >= 5, value.utf8.prefix(5).map({ $0 & 0xDF }).elementsEqual("AWS4-".utf8.map { $0 & 0xDF }) {
            return true
        }
        guard let query = RequestPath.split(request.path ?? "/").query else { return false }
        return SigV4Canonical.parameters(ofQuery: query).contains { parameter in
            ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"].contains { parameter.name.elementsEqual($0.utf8) }
        }
    }
}
