import Crypto
public import HTTPTypes

/// Authenticates inbound requests by their AWS SigV4 signature, as API Gateway's IAM
/// authorisation does, and makes the signing principal the request's caller.
///
/// The body is read once, bounded by ``maxBodyBytes``, and hashed while it streams in so the
/// payload hash is checked against the exact bytes received; the handler gets the buffered
/// body. On success ``RequestContext/auth`` gets a `.role` caller (principal = the IAM ARN,
/// subject = the access key id). Failures answer 401 with `{"error":"<code>"}` and
/// `WWW-Authenticate: AWS4-HMAC-SHA256`; a verified principal that is not allowed answers 403
/// `AccessDenied`.
public struct SigV4AuthenticatorMiddleware: ServerMiddleware {
    /// The verifier.
    public var verifier: SigV4Verifier
    /// The principals allowed to call (see ``principal(_:isAllowedBy:)``); `nil` allows any
    /// verified principal.
    public var allowedPrincipals: [String]?
    /// The largest body read for verification.
    public var maxBodyBytes: Int

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - verifier: The SigV4 verifier.
    ///   - allowedPrincipals: Allowed principal ARNs, or `nil` for any verified principal.
    ///   - maxBodyBytes: The largest body accepted (default 1 MiB, the server's default limit).
    public init(verifier: SigV4Verifier, allowedPrincipals: [String]? = nil, maxBodyBytes: Int = 1 << 20) {
        self.verifier = verifier
        self.allowedPrincipals = allowedPrincipals
        self.maxBodyBytes = maxBodyBytes
    }

    /// Verifies the request and passes it on with the caller set.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body.
    ///   - context: The request context.
    ///   - next: The rest of the chain.
    /// - Returns: The handler's response, or the 401/403 failure response.
    /// - Throws: ``MessageBodyTooLarge`` when the body exceeds ``maxBodyBytes``, the body
    ///   stream's errors, and whatever `next` throws.
    public func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        var hasher = SHA256()
        let bytes: [UInt8]
        if let buffered = body.bufferedBytes {
            guard buffered.count <= maxBodyBytes else { throw MessageBodyTooLarge(limit: maxBodyBytes) }
            hasher.update(data: buffered)
            bytes = buffered
        } else {
            if let length = body.length, length > maxBodyBytes { throw MessageBodyTooLarge(limit: maxBodyBytes) }
            var collected: [UInt8] = []
            collected.reserveCapacity(min(body.length ?? 0, maxBodyBytes))
            for try await chunk in body {
                guard chunk.count <= maxBodyBytes - collected.count else { throw MessageBodyTooLarge(limit: maxBodyBytes) }
                hasher.update(data: chunk)
                collected.append(contentsOf: chunk)
            }
            bytes = collected
        }
        let verified: SigV4VerifiedRequest
        do {
            verified = try await verifier.verify(request, bodySHA256: SigV4Canonical.hex(hasher.finalize()), localPort: context.localPort)
        } catch {
            context.logger.debug("SigV4 verification failed", metadata: ["code": "\(error.code.rawValue)"])
            return error.authFailure.response()
        }
        if let allowedPrincipals,
            !allowedPrincipals.contains(where: { Self.principal(verified.principal, isAllowedBy: $0) })
        {
            context.logger.info("SigV4 principal not allowed", metadata: ["principal": "\(verified.principal)"])
            return SigV4Error.accessDenied("the principal is not allowed to call this service").authFailure.response()
        }
        var context = context
        context.auth.caller = verified.identity
        return try await next(request, MessageBody(bytes), context)
    }

    /// Whether a verified principal matches an allowed one.
    ///
    /// Exact ARNs match; an allowed role (`arn:aws:iam::ACCOUNT:role/[PATH/]NAME`) also
    /// matches its sessions (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`), since that is
    /// what `AssumeRole` credentials sign as; an allowed value ending in `*` matches by prefix.
    ///
    /// - Parameters:
    ///   - principal: The verified principal ARN.
    ///   - allowed: An allowed ARN or prefix pattern.
    /// - Returns: Whether `principal` is allowed by `allowed`.
    public static func principal(_ principal: String, isAllowedBy allowed: String) -> Bool {
        if principal == allowed { return true }
        if allowed.hasSuffix("*") { return principal.hasPrefix(allowed.dropLast()) }
        let allowedParts = allowed.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let parts = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard allowedParts.count == 6, parts.count == 6, allowedParts[0] == "arn", parts[0] == "arn",
            allowedParts[1] == parts[1], allowedParts[2] == "iam", parts[2] == "sts",
            allowedParts[4] == parts[4], allowedParts[5].hasPrefix("role/"), parts[5].hasPrefix("assumed-role/")
        else { return false }
        guard let roleName = allowedParts[5].split(separator: "/").last else { return false }
        let session = parts[5].dropFirst("assumed-role/".count).split(separator: "/", omittingEmptySubsequences: false)
        return session.count == 2 && session[0] == roleName && !session[1].isEmpty
    }
}
