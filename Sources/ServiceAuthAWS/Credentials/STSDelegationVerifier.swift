import Crypto
public import Foundation
import HTTPTypes
import HTTPTypesFoundation
import Synchronization
public import ServiceAuthCore

/// Verifies STS delegation tokens (`Authorization: Bearer sts-v1.<base64url URL>`) by letting
/// STS check them, as HashiCorp Vault's AWS auth method and aws-iam-authenticator do.
///
/// Before any network call the presigned URL must point at the configured STS endpoint, ask
/// for `Action=GetCallerIdentity&Version=2011-06-15` and nothing else, sign `host` and
/// `x-service-auth-audience`, and be short-lived and current. The URL is then sent to STS with
/// *this* service's audience in the audience header: STS accepts the signature only if the
/// caller signed that same audience. The returned `<Arn>` is the caller. Verified tokens are
/// cached (bounded, until they expire) so a repeated token costs no STS call.
///
/// Errors are ``SigV4Error`` values with a `Bearer error="invalid_token"` challenge
/// (`ServiceUnavailable`, 503, when STS cannot be reached).
public struct STSDelegationVerifier: BearerTokenVerifier {
    /// Verification settings.
    public struct Configuration: Sendable {
        /// The STS endpoint tokens must point at (default `https://sts.amazonaws.com`).
        public var stsEndpoint: URL
        /// This service's audience; tokens must have been signed for it.
        public var audience: String
        /// The largest accepted `X-Amz-Expires`, in seconds (default 900).
        public var maxExpires: Int
        /// Allowed clock skew for the token's date (default 300 s).
        public var maxSkew: Duration
        /// The largest accepted token, in bytes (default 8192).
        public var maxTokenBytes: Int
        /// How many verified tokens are remembered (default 1024).
        public var cacheCapacity: Int
        /// The deadline of one STS call (default 5 s).
        public var timeout: Duration
        /// The largest STS response accepted (default 64 KiB).
        public var maxResponseBytes: Int

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - audience: This service's audience.
        ///   - stsEndpoint: The STS endpoint (default `https://sts.amazonaws.com`).
        ///   - maxExpires: Largest `X-Amz-Expires` (default 900).
        ///   - maxSkew: Allowed clock skew (default 300 s).
        ///   - maxTokenBytes: Largest token (default 8192).
        ///   - cacheCapacity: Cached verified tokens (default 1024).
        ///   - timeout: STS call deadline (default 5 s).
        ///   - maxResponseBytes: Largest STS response (default 64 KiB).
        public init(
            audience: String,
            stsEndpoint: URL = URL(string: "https://sts.amazonaws.com")!,
            maxExpires: Int = 900,
            maxSkew: Duration = .seconds(300),
            maxTokenBytes: Int = 8192,
            cacheCapacity: Int = 1024,
            timeout: Duration = .seconds(5),
            maxResponseBytes: Int = 65_536
        ) {
            self.audience = audience
            self.stsEndpoint = stsEndpoint
            self.maxExpires = maxExpires
            self.maxSkew = maxSkew
            self.maxTokenBytes = maxTokenBytes
            self.cacheCapacity = cacheCapacity
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let cache: Cache
    private let endpoint: (scheme: String, authority: String, path: String)?

    /// Creates a verifier.
    ///
    /// - Parameters:
    ///   - configuration: The endpoint, audience and limits.
    ///   - transport: The HTTP transport to STS.
    ///   - now: The clock.
    public init(
        configuration: Configuration,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.now = now
        self.cache = Cache(capacity: max(1, configuration.cacheCapacity))
        if case let url = configuration.stsEndpoint, url.isAbsoluteHTTPURL {
            let request = HTTPRequest(method: .get, url: url)
            let path = RequestPath.split(request.path ?? "/").path
            self.endpoint = (request.scheme ?? "https", (request.authority ?? "").lowercased(), path.isEmpty ? "/" : String(path))
        } else {
            self.endpoint = nil
        }
    }

    private static let challenge = AuthChallenge.bearerInvalidToken

    private static func failure(_ code: SigV4Error.Code, _ message: String) -> SigV4Error {
        SigV4Error(code, message, challenge: challenge)
    }

    /// Verifies a delegation token.
    ///
    /// - Parameter token: `sts-v1.<base64url of a presigned GetCallerIdentity URL>`.
    /// - Returns: A `.role` identity whose principal is the ARN STS returned.
    /// - Throws: ``SigV4Error``.
    public func verifyIdentity(_ token: String) async throws -> Identity {
        try await verify(token)
    }

    /// Verifies a delegation token, with a typed error.
    ///
    /// - Parameter token: The token.
    /// - Returns: The caller's identity.
    /// - Throws: ``SigV4Error``.
    public func verify(_ token: String) async throws(SigV4Error) -> Identity {
        let now = self.now()
        guard token.utf8.count <= configuration.maxTokenBytes else {
            throw Self.failure(.incompleteSignature, "the delegation token is too large")
        }
        let cacheKey = SigV4Canonical.hex(SHA256.hash(data: Array(token.utf8)))
        if let cached = cache.lookup(cacheKey, now: now) { return cached }

        guard token.hasPrefix(STSDelegationTokenGenerator.tokenPrefix),
            let urlBytes = Base64URL.decode(token.utf8.dropFirst(STSDelegationTokenGenerator.tokenPrefix.utf8.count)),
            let text = String(validating: urlBytes, as: UTF8.self),
            let url = URL(string: text), url.isAbsoluteHTTPURL
        else { throw Self.failure(.incompleteSignature, "the delegation token is malformed") }
        var request = HTTPRequest(method: .get, url: url)
        guard let endpoint, request.scheme == endpoint.scheme, request.authority?.lowercased() == endpoint.authority
        else { throw Self.failure(.accessDenied, "the delegation token does not point at the trusted STS endpoint") }
        let (path, query) = RequestPath.split(request.path ?? "/")
        // Byte for byte: `==` would take a canonically equivalent spelling for the same path.
        guard path.utf8.elementsEqual(endpoint.path.utf8) || (path.isEmpty && endpoint.path == "/") else {
            throw Self.failure(.accessDenied, "the delegation token does not point at the trusted STS endpoint")
        }
        let validUntil = try checkQuery(query ?? "", now: now)

        request.headerFields[HTTPField.Name(STSDelegationTokenGenerator.audienceHeader)!] = configuration.audience
        let response: HTTPResponse
        let body: [UInt8]
        do {
            (response, body) = try await transport.send(
                request,
                body: nil,
                enforcingDeadline: configuration.timeout,
                maxResponseBytes: configuration.maxResponseBytes
            )
        } catch {
            throw Self.failure(.serviceUnavailable, "STS could not be reached to verify the delegation token")
        }
        guard let document = STSXMLDocument.parse(body) else {
            throw Self.failure(.serviceUnavailable, "STS answered \(response.status.code) without a valid XML body")
        }
        if let error = document.error(status: response.status.code) {
            switch SigV4Error.Code(rawValue: error.code) {
            case .expiredToken, .invalidClientTokenId, .signatureDoesNotMatch, .accessDenied, .requestExpired,
                .incompleteSignature:
                throw Self.failure(SigV4Error.Code(rawValue: error.code), "STS refused the delegation token")
            default:
                throw Self.failure(.invalidClientTokenId, "STS refused the delegation token (\(error.code))")
            }
        }
        guard response.status == .ok, document.root == "GetCallerIdentityResponse",
            let arn = document.values["Arn"]
        else { throw Self.failure(.serviceUnavailable, "STS answered \(response.status.code) without an identity") }
        let identity = Identity(
            kind: .role,
            subject: document.values["UserId"],
            principal: arn,
            issuer: configuration.stsEndpoint.absoluteString,
            expiresAt: validUntil
        )
        cache.insert(cacheKey, identity: identity, until: validUntil, now: now)
        return identity
    }

    private static let allowedParameters: Set<String> = [
        "Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
        "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature",
    ]

    /// Checks the presigned query before STS sees it; returns when the token stops being valid.
    private func checkQuery(_ query: Substring, now: Date) throws(SigV4Error) -> Date {
        var values: [String: String] = [:]
        for parameter in SigV4Canonical.parameters(ofQuery: query) {
            let name = parameter.nameString
            // A whitelist, so a token cannot smuggle another STS action or parameter.
            guard Self.allowedParameters.contains(name), values[name] == nil else {
                throw Self.failure(.incompleteSignature, "the delegation token has an unexpected or repeated query parameter")
            }
            values[name] = parameter.valueString
        }
        guard values["Action"] == "GetCallerIdentity", values["Version"] == "2011-06-15" else {
            throw Self.failure(.accessDenied, "the delegation token must be a GetCallerIdentity request")
        }
        guard values["X-Amz-Algorithm"] == SigV4Canonical.algorithm, values["X-Amz-Signature"] != nil,
            let credential = values["X-Amz-Credential"], let signedHeaders = values["X-Amz-SignedHeaders"],
            let dateText = values["X-Amz-Date"], let date = SigV4Date.parse(dateText),
            let expiresText = values["X-Amz-Expires"], expiresText.utf8.count <= 10, let expires = Int(expiresText),
            expires > 0
        else { throw Self.failure(.incompleteSignature, "the delegation token is not a complete presigned request") }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, scope[3] == "sts", scope[4] == "aws4_request" else {
            throw Self.failure(.incompleteSignature, "the delegation token's credential scope is not for STS")
        }
        let names = Set(signedHeaders.split(separator: ";").map(String.init))
        guard names.contains("host") else {
            throw Self.failure(.signatureDoesNotMatch, "the delegation token must sign host")
        }
        guard names.contains(STSDelegationTokenGenerator.audienceHeader) else {
            throw Self.failure(.accessDenied, "the delegation token is not bound to an audience")
        }
        guard expires <= configuration.maxExpires else {
            throw Self.failure(.requestExpired, "the delegation token lives longer than allowed")
        }
        guard date.timeIntervalSince(now) <= configuration.maxSkew.timeInterval else {
            throw Self.failure(.requestTimeTooSkewed, "the delegation token is dated in the future")
        }
        let validUntil = date.addingTimeInterval(TimeInterval(expires))
        guard now < validUntil else { throw Self.failure(.requestExpired, "the delegation token has expired") }
        return validUntil
    }

    /// The bounded cache of verified tokens, keyed by the token's SHA-256.
    private final class Cache: Sendable {
        private struct Entry {
            var identity: Identity
            var until: Date
        }
        private let capacity: Int
        private let entries = Mutex<[String: Entry]>([:])

        init(capacity: Int) { self.capacity = capacity }

        func lookup(_ key: String, now: Date) -> Identity? {
            entries.withLock { entries in
                guard let entry = entries[key] else { return nil }
                guard entry.until > now else {
                    entries[key] = nil
                    return nil
                }
                return entry.identity
            }
        }

        func insert(_ key: String, identity: Identity, until: Date, now: Date) {
            entries.withLock { entries in
                if entries.count >= capacity {
                    entries = entries.filter { $0.value.until > now }
                    if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                }
                entries[key] = Entry(identity: identity, until: until)
            }
        }
    }
}
