import Crypto
public import Foundation
public import HTTPTypes
import ServiceAuthCore

/// Verifies AWS Signature Version 4 requests on the server side, the way API Gateway's IAM
/// authorisation does: header form (`Authorization: AWS4-HMAC-SHA256 …`) and presigned
/// (query) form.
///
/// Rules, each with its AWS error code (see ``SigV4Error``):
/// - strict parsing of the `Authorization` header and the `X-Amz-*` query parameters
///   (`IncompleteSignature`);
/// - the credential scope's date equals the `X-Amz-Date` date, and its region and service are
///   the configured ones; `host` is signed and names this service
///   (``Configuration/acceptedHosts``), and so are `x-amz-date` (header form),
///   `x-amz-security-token` and `x-amz-content-sha256` when sent, and every identity-bearing
///   header sent (``Configuration/headersThatMustBeSigned``) (`SignatureDoesNotMatch`);
/// - for non-S3 services the path is in normal form — no `.`/`..` or empty segments — so the
///   path that was verified is the path that is routed (`SignatureDoesNotMatch`);
/// - the date is within ``Configuration/maxSkew`` of now (`RequestTimeTooSkewed`); a presigned
///   request has `X-Amz-Expires` ≤ ``Configuration/maxPresignExpiry`` and has not expired
///   (`RequestExpired`);
/// - the access key is known to the ``CredentialStore`` (`InvalidClientTokenId`) and not
///   expired (`ExpiredToken`);
/// - the body's SHA-256 equals `x-amz-content-sha256` (unless `UNSIGNED-PAYLOAD` is allowed)
///   and the signature matches, compared in constant time (`SignatureDoesNotMatch`);
/// - with a ``SigV4ReplayCache``, a signature is accepted once (`RequestExpired`) for the
///   methods in ``Configuration/replayProtectedMethods``.
///
/// The verifier is a value type without locks or actor hops on its own path; the derived
/// signing keys are cached in a shared, bounded cache.
public struct SigV4Verifier: Sendable {
    /// Verification settings; the secure choice is the default.
    public struct Configuration: Sendable {
        /// The region the credential scope must name.
        public var region: String
        /// The service the credential scope must name.
        public var service: String
        /// The `Host` values a signature may name: this service's own names.
        public var acceptedHosts: SigV4AcceptedHosts
        /// Whether a request path that is not in normal form (a `.` or `..` segment, also
        /// percent-encoded, or an empty segment) is refused. AWS services normalise such paths
        /// before checking the signature, so a signature for `/items/1` also covers
        /// `/x/../items/1`; a server that routes on the raw path would then run a route the
        /// signer never named. Defaults to `true` except for S3, whose keys are literal.
        public var rejectsNonNormalizedPaths: Bool
        /// Header names (lower case) that carry identity on to the handler — the identity chain,
        /// the propagated user token. When sent, they must be among the signed headers, or the
        /// request is refused: anyone on the path could otherwise add or change them.
        /// Default ``defaultHeadersThatMustBeSigned``.
        public var headersThatMustBeSigned: Set<String>
        /// The methods whose signatures the replay cache accepts only once; `nil` for all.
        /// Default: `POST`, `PUT`, `PATCH` and `DELETE` — requests that change state.
        public var replayProtectedMethods: Set<HTTPRequest.Method>?
        /// S3 path rules (no normalisation, single encoding). Defaults to `service == "s3"`.
        public var s3Variant: Bool
        /// The largest accepted difference between `X-Amz-Date` and now (default 900 s).
        public var maxSkew: Duration
        /// Whether `x-amz-content-sha256: UNSIGNED-PAYLOAD` is accepted (default `false`: the
        /// body must be covered by the signature).
        public var allowUnsignedPayload: Bool
        /// The largest accepted `X-Amz-Expires` of a presigned request (604800 s, 7 days).
        public var maxPresignExpiry: Int
        /// Whether a sent session token must be signed (default `true`).
        public var requireSignedSessionToken: Bool
        /// Optional replay protection.
        public var replayCache: SigV4ReplayCache?

        /// `x-auth-chain` and `x-forwarded-authorization`.
        public static let defaultHeadersThatMustBeSigned: Set<String> = ["x-auth-chain", "x-forwarded-authorization"]

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - region: The expected region.
        ///   - service: The expected service.
        ///   - acceptedHosts: The `Host` values a signature may name (required: see ``SigV4AcceptedHosts``).
        ///   - s3Variant: S3 path rules; `nil` means "when `service` is `s3`".
        ///   - maxSkew: Allowed clock skew (default 900 s).
        ///   - allowUnsignedPayload: Accept `UNSIGNED-PAYLOAD` (default `false`).
        ///   - maxPresignExpiry: Largest `X-Amz-Expires` (default 604800).
        ///   - requireSignedSessionToken: Require a sent session token to be signed (default `true`).
        ///   - replayCache: Remember accepted signatures to refuse replays (default none).
        ///   - replayProtectedMethods: Methods the replay cache applies to (default: non-idempotent ones).
        ///   - rejectsNonNormalizedPaths: Refuse paths with dot or empty segments (default: unless S3).
        ///   - headersThatMustBeSigned: Identity headers that must be signed when sent.
        public init(
            region: String,
            service: String,
            acceptedHosts: SigV4AcceptedHosts,
            s3Variant: Bool? = nil,
            maxSkew: Duration = .seconds(900),
            allowUnsignedPayload: Bool = false,
            maxPresignExpiry: Int = 604_800,
            requireSignedSessionToken: Bool = true,
            replayCache: SigV4ReplayCache? = nil,
            replayProtectedMethods: Set<HTTPRequest.Method>? = [.post, .put, .patch, .delete],
            rejectsNonNormalizedPaths: Bool? = nil,
            headersThatMustBeSigned: Set<String> = Configuration.defaultHeadersThatMustBeSigned
        ) {
            self.region = region
            self.service = service
            self.acceptedHosts = acceptedHosts
            self.s3Variant = s3Variant ?? (service == "s3")
            self.rejectsNonNormalizedPaths = rejectsNonNormalizedPaths ?? !(s3Variant ?? (service == "s3"))
            self.headersThatMustBeSigned = Set(headersThatMustBeSigned.map { $0.lowercased() })
            self.replayProtectedMethods = replayProtectedMethods
            self.maxSkew = maxSkew
            self.allowUnsignedPayload = allowUnsignedPayload
            self.maxPresignExpiry = maxPresignExpiry
            self.requireSignedSessionToken = requireSignedSessionToken
            self.replayCache = replayCache
        }
    }

    /// The configuration.
    public var configuration: Configuration
    /// Where access keys are looked up.
    public var credentialStore: any CredentialStore
    private let now: @Sendable () -> Date
    private let keyCache: SigV4SigningKeyCache

    /// Creates a verifier.
    ///
    /// - Parameters:
    ///   - configuration: The rules.
    ///   - credentialStore: Where access keys are looked up.
    ///   - now: The clock (inject a fixed one in tests).
    public init(
        configuration: Configuration,
        credentialStore: any CredentialStore,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.credentialStore = credentialStore
        self.now = now
        self.keyCache = .shared
    }

    /// Verifies a request whose whole body is in memory.
    ///
    /// - Parameters:
    ///   - request: The request as received (`path` is the wire request target).
    ///   - body: The body's bytes exactly as received.
    /// - Returns: Who signed the request.
    /// - Throws: ``SigV4Error``.
    public func verify(_ request: HTTPRequest, body: [UInt8]) async throws(SigV4Error) -> SigV4VerifiedRequest {
        try await verify(request, bodyDigest: .body(body), localPort: nil)
    }

    /// Verifies a request whose body was hashed while it streamed in.
    ///
    /// - Parameters:
    ///   - request: The request as received.
    ///   - bodySHA256: The lower-case hex SHA-256 of the body as received.
    ///   - localPort: The port the request arrived on (``RequestContext/localPort``), which a
    ///     ``SigV4AcceptedHosts/listening(host:additionalNames:)`` rule compares with `Host`.
    /// - Returns: Who signed the request.
    /// - Throws: ``SigV4Error``.
    public func verify(_ request: HTTPRequest, bodySHA256: String, localPort: Int? = nil) async throws(SigV4Error) -> SigV4VerifiedRequest {
        try await verify(request, bodyDigest: .hash(bodySHA256), localPort: localPort)
    }

    private enum BodyDigest {
        case body([UInt8])
        case hash(String)

        var hex: String {
            switch self {
            case .body(let bytes): SigV4Canonical.sha256Hex(bytes)
            case .hash(let hash): hash
            }
        }
    }

    private func verify(_ request: HTTPRequest, bodyDigest: BodyDigest, localPort: Int?) async throws(SigV4Error) -> SigV4VerifiedRequest {
        let (path, query) = RequestPath.split(request.path ?? "/")
        let parameters = SigV4Canonical.parameters(ofQuery: query ?? "")
        let authorizations = request.headerFields[values: .authorization]
        let isPresigned = parameters.contains { $0.name.elementsEqual("X-Amz-Algorithm".utf8) }

        let signed: SignatureParameters
        switch (authorizations.isEmpty, isPresigned) {
        case (true, false):
            throw .missingAuthenticationToken("the request carries no AWS4-HMAC-SHA256 signature")
        case (false, true):
            throw .incompleteSignature("only one of the Authorization header and a presigned query may be used")
        case (false, false):
            guard authorizations.count == 1 else { throw .incompleteSignature("more than one Authorization header") }
            signed = try parseHeader(authorizations[0], request: request)
        case (true, true):
            signed = try parseQuery(parameters, request: request)
        }

        // Scope: the signing key is derived from it, but a key for another day, region or
        // service must not be accepted here even if the signature is internally consistent.
        guard signed.scopeDate == signed.amzDate.prefix(8) else {
            throw .signatureDoesNotMatch("the credential scope date does not match X-Amz-Date")
        }
        guard signed.region == configuration.region else {
            throw .signatureDoesNotMatch("the credential scope names the wrong region")
        }
        guard signed.service == configuration.service else {
            throw .signatureDoesNotMatch("the credential scope names the wrong service")
        }
        try checkSignedHeaders(signed, request: request, isPresigned: isPresigned)
        // The signed host is this service, and the verified path is the routed one.
        let hosts = SigV4Canonical.headerValues(request, name: "host")
        guard hosts.count == 1, configuration.acceptedHosts.accepts(hosts[0], localPort: localPort) else {
            throw .signatureDoesNotMatch("the request is signed for another host")
        }
        if configuration.rejectsNonNormalizedPaths, !SigV4Canonical.isNormalized(path: path) {
            throw .signatureDoesNotMatch("the request path is not in normal form (dot or empty segments)")
        }

        let now = self.now()
        let acceptableUntil: Date
        if let expires = signed.expires {
            guard signed.date.timeIntervalSince(now) <= configuration.maxSkew.timeInterval else {
                throw .requestTimeTooSkewed("the presigned request's date is in the future")
            }
            acceptableUntil = signed.date.addingTimeInterval(TimeInterval(expires))
            guard now < acceptableUntil else { throw .requestExpired("the presigned request has expired") }
        } else {
            guard abs(signed.date.timeIntervalSince(now)) <= configuration.maxSkew.timeInterval else {
                throw .requestTimeTooSkewed("the request time is too far from the server time")
            }
            acceptableUntil = signed.date.addingTimeInterval(configuration.maxSkew.timeInterval)
        }

        let accessKeyId = String(signed.accessKeyId)
        let stored: StoredCredential?
        do {
            stored = try await credentialStore.credential(forAccessKeyId: accessKeyId, sessionToken: signed.sessionToken)
        } catch let error as SigV4Error {
            throw error
        } catch {
            throw .invalidClientTokenId("the credentials could not be looked up")
        }
        guard let stored else {
            throw .invalidClientTokenId("the security token or access key id included in the request is invalid")
        }
        if let expiration = stored.expiration, expiration <= now {
            throw .expiredToken("the security token included in the request is expired")
        }

        let payloadHashes = try payloadHashes(request, bodyDigest: bodyDigest, isPresigned: isPresigned)
        let uri = SigV4Canonical.canonicalURI(path, s3: configuration.s3Variant)
        var queryVariants = [SigV4Canonical.canonicalQuery(parameters, excluding: ["X-Amz-Signature"])]
        if signed.sessionTokenInQuery, !configuration.requireSignedSessionToken {
            // Some signers append the token after signing (AWS's "omit session token").
            queryVariants.append(
                SigV4Canonical.canonicalQuery(parameters, excluding: ["X-Amz-Signature", "X-Amz-Security-Token"])
            )
        }
        let scope = "\(signed.scopeDate)/\(signed.region)/\(signed.service)/aws4_request"
        let key = keyCache.signingKey(
            secret: stored.secretAccessKey,
            date: String(signed.scopeDate),
            region: configuration.region,
            service: configuration.service
        )
        var matched = false
        for canonicalQuery in queryVariants {
            for payloadHash in payloadHashes {
                let canonical = SigV4Canonical.canonicalRequest(
                    method: request.method.rawValue,
                    uri: uri,
                    query: canonicalQuery,
                    request: request,
                    signedHeaders: signed.signedHeaders,
                    payloadHash: payloadHash
                )
                let stringToSign = SigV4Canonical.stringToSign(
                    amzDate: signed.amzDate,
                    scope: scope,
                    canonicalRequest: canonical
                )
                // Constant-time comparison inside swift-crypto.
                if HMAC<SHA256>.isValidAuthenticationCode(
                    signed.signature,
                    authenticating: Array(stringToSign.utf8),
                    using: key
                ) {
                    matched = true
                }
            }
        }
        guard matched else {
            throw .signatureDoesNotMatch(
                "the request signature we calculated does not match the signature you provided"
            )
        }
        if let replayCache = configuration.replayCache,
            configuration.replayProtectedMethods?.contains(request.method) ?? true
        {
            guard replayCache.insert(SigV4Canonical.hex(signed.signature), until: acceptableUntil, now: now) else {
                throw .requestExpired("the request signature was already used")
            }
        }
        return SigV4VerifiedRequest(
            accessKeyId: accessKeyId,
            principal: stored.principal,
            sessionToken: signed.sessionToken,
            signedHeaders: signed.signedHeaders,
            region: configuration.region,
            service: configuration.service,
            signedAt: signed.date,
            credentialExpiration: stored.expiration,
            isPresigned: isPresigned
        )
    }

    // MARK: - Rules

    /// Headers that must be covered by the signature, and signed headers that must be present.
    private func checkSignedHeaders(
        _ signed: SignatureParameters,
        request: HTTPRequest,
        isPresigned: Bool
    ) throws(SigV4Error) {
        let names = signed.signedHeaders
        func isSigned(_ name: String) -> Bool { names.contains(name) }
        guard isSigned("host") else { throw .signatureDoesNotMatch("the host header must be signed") }
        if !isPresigned, !isSigned("x-amz-date") {
            throw .signatureDoesNotMatch("the x-amz-date header must be signed")
        }
        if configuration.requireSignedSessionToken, request.headerFields[SigV4Signer.xAmzSecurityToken] != nil,
            !isSigned("x-amz-security-token")
        {
            throw .signatureDoesNotMatch("the x-amz-security-token header must be signed")
        }
        if request.headerFields[SigV4Signer.xAmzContentSHA256] != nil, !isSigned("x-amz-content-sha256") {
            throw .signatureDoesNotMatch("the x-amz-content-sha256 header must be signed")
        }
        for name in names where SigV4Canonical.headerValues(request, name: name).isEmpty {
            throw .signatureDoesNotMatch("a signed header is missing from the request")
        }
        for name in configuration.headersThatMustBeSigned where !isSigned(name) {
            if let fieldName = HTTPField.Name(name), request.headerFields[fieldName] != nil {
                throw .signatureDoesNotMatch("the \(name) header must be signed")
            }
        }
    }

    /// The payload hashes the signature may have been computed with.
    private func payloadHashes(
        _ request: HTTPRequest,
        bodyDigest: BodyDigest,
        isPresigned: Bool
    ) throws(SigV4Error) -> [String] {
        let declared = request.headerFields[values: SigV4Signer.xAmzContentSHA256]
        guard declared.count <= 1 else { throw .incompleteSignature("more than one x-amz-content-sha256 header") }
        if let declared = declared.first {
            if declared == SigV4Canonical.unsignedPayload {
                guard configuration.allowUnsignedPayload else {
                    throw .signatureDoesNotMatch("unsigned payloads are not accepted")
                }
                return [declared]
            }
            guard SigV4Canonical.decodeLowerHex(declared, count: 32) != nil else {
                throw .signatureDoesNotMatch("x-amz-content-sha256 must be a lower-case hex SHA-256 or UNSIGNED-PAYLOAD")
            }
            guard declared == bodyDigest.hex else {
                throw .signatureDoesNotMatch("the body does not match x-amz-content-sha256")
            }
            return [declared]
        }
        if isPresigned, configuration.allowUnsignedPayload {
            return [bodyDigest.hex, SigV4Canonical.unsignedPayload]
        }
        return [bodyDigest.hex]
    }
}
