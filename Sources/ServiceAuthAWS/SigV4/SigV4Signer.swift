import Crypto
public import Foundation
public import HTTPTypes
import HTTPTypesFoundation
import ServiceAuthCore

/// Signs HTTP requests with AWS Signature Version 4 (AWS4-HMAC-SHA256).
///
/// Two forms: ``sign(_:body:credentials:date:payload:)`` adds an `Authorization` header
/// (with `X-Amz-Date` and, for temporary credentials, `X-Amz-Security-Token`);
/// ``presign(_:body:credentials:date:expires:payload:)`` puts the signature in the query
/// (a presigned URL). The intermediate canonical request, string to sign and signature are
/// returned in ``Result`` so tests can compare them with AWS's test suite byte for byte.
///
/// The request's `path` is the request target as sent on the wire (percent-encoded, with the
/// query); `host` is signed from the `Host` field or, when absent, from `authority`.
public struct SigV4Signer: Sendable {
    /// What to sign and how.
    public struct Configuration: Sendable, Hashable {
        /// The region of the credential scope, e.g. `us-east-1`.
        public var region: String
        /// The service of the credential scope, e.g. `execute-api`, `sts`, `s3`.
        public var service: String
        /// The S3 variant: the path is used as given (no dot-segment removal) and encoded
        /// once. Defaults to `true` for the service `s3`.
        public var s3Variant: Bool
        /// Whether the session token is part of the signature. AWS signs it; a few services
        /// (and the AWS test suite's `post-sts-header-after`) add it after signing.
        public var signsSessionToken: Bool
        /// Lower-case names of headers never signed, because proxies and clients change them
        /// (hop-by-hop headers, `user-agent`, `expect`, tracing), as botocore does.
        public var unsignedHeaders: Set<String>

        /// The default set of unsigned headers.
        public static let defaultUnsignedHeaders: Set<String> = [
            "authorization", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
            "trailer", "transfer-encoding", "upgrade", "user-agent", "expect", "x-amzn-trace-id",
        ]

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - region: The region.
        ///   - service: The service name.
        ///   - s3Variant: Use S3's path rules; `nil` means "when `service` is `s3`".
        ///   - signsSessionToken: Whether to sign `X-Amz-Security-Token` (default `true`).
        ///   - unsignedHeaders: Headers to leave out of the signature.
        public init(
            region: String,
            service: String,
            s3Variant: Bool? = nil,
            signsSessionToken: Bool = true,
            unsignedHeaders: Set<String> = Configuration.defaultUnsignedHeaders
        ) {
            self.region = region
            self.service = service
            self.s3Variant = s3Variant ?? (service == "s3")
            self.signsSessionToken = signsSessionToken
            self.unsignedHeaders = unsignedHeaders
        }
    }

    /// How the body enters the signature.
    public enum Payload: Sendable, Hashable {
        /// The SHA-256 of the body, without an `x-amz-content-sha256` header.
        case bodyHash
        /// The SHA-256 of the body, also sent (and signed) as `x-amz-content-sha256`.
        case bodyHashHeader
        /// `UNSIGNED-PAYLOAD`, sent as `x-amz-content-sha256` (header form only).
        case unsigned
        /// A hash the caller computed, sent as `x-amz-content-sha256` in the header form.
        case precomputed(String)
    }

    /// A signed request and the intermediate values of the signature.
    public struct Result: Sendable {
        /// The signed request.
        public var request: HTTPRequest
        /// The canonical request that was signed.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The hex signature.
        public var signature: String
    }

    /// The configuration.
    public var configuration: Configuration
    private let keyCache: SigV4SigningKeyCache

    /// Creates a signer.
    ///
    /// - Parameter configuration: Region, service and variant.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.keyCache = .shared
    }

    /// Creates a signer for a region and service.
    ///
    /// - Parameters:
    ///   - region: The region.
    ///   - service: The service.
    public init(region: String, service: String) {
        self.init(configuration: Configuration(region: region, service: service))
    }

    /// Signs with an `Authorization` header.
    ///
    /// Sets `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials) and, depending on
    /// `payload`, `x-amz-content-sha256`; every header present is signed except
    /// ``Configuration/unsignedHeaders``. An existing `Authorization` is replaced.
    ///
    /// - Parameters:
    ///   - request: The request; `path` is the wire request target.
    ///   - body: The body that will be sent.
    ///   - credentials: The credentials to sign with.
    ///   - date: The signing time.
    ///   - payload: How the body is signed.
    /// - Returns: The signed request and the signature's intermediate values.
    public func sign(
        _ request: HTTPRequest,
        body: [UInt8] = [],
        credentials: AWSCredentials,
        date: Date = Date(),
        payload: Payload = .bodyHash
    ) -> Result {
        var request = request
        let amzDate = SigV4Date.format(date)
        let scope = credentialScope(amzDate: amzDate)
        request.headerFields[.authorization] = nil
        request.headerFields[Self.xAmzDate] = amzDate
        request.headerFields[Self.xAmzSecurityToken] = nil
        if let token = credentials.sessionToken, configuration.signsSessionToken {
            request.headerFields[Self.xAmzSecurityToken] = token
        }
        let payloadHash: String
        switch payload {
        case .bodyHash:
            payloadHash = SigV4Canonical.sha256Hex(body)
        case .bodyHashHeader:
            payloadHash = SigV4Canonical.sha256Hex(body)
            request.headerFields[Self.xAmzContentSHA256] = payloadHash
        case .unsigned:
            payloadHash = SigV4Canonical.unsignedPayload
            request.headerFields[Self.xAmzContentSHA256] = payloadHash
        case .precomputed(let hash):
            payloadHash = hash
            request.headerFields[Self.xAmzContentSHA256] = hash
        }
        let signedHeaders = signedHeaderNames(request)
        let (path, query) = RequestPath.split(request.path ?? "/")
        let canonical = SigV4Canonical.canonicalRequest(
            method: request.method.rawValue,
            uri: SigV4Canonical.canonicalURI(path, s3: configuration.s3Variant),
            query: SigV4Canonical.canonicalQuery(SigV4Canonical.parameters(ofQuery: query ?? "")),
            request: request,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash
        )
        let stringToSign = SigV4Canonical.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        let signature = SigV4Canonical.signature(
            signingKey: signingKey(credentials, amzDate: amzDate),
            stringToSign: stringToSign
        )
        request.headerFields[.authorization] =
            "\(SigV4Canonical.algorithm) Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        if let token = credentials.sessionToken, !configuration.signsSessionToken {
            request.headerFields[Self.xAmzSecurityToken] = token
        }
        return Result(request: request, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature)
    }

    /// Signs in the query string (a presigned request).
    ///
    /// Appends `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
    /// `X-Amz-Expires`, `X-Amz-Security-Token` (temporary credentials) and `X-Amz-Signature`
    /// to the request's query, in that order. The headers present on the request are signed
    /// and must be sent with it.
    ///
    /// - Parameters:
    ///   - request: The request; `path` is the wire request target.
    ///   - body: The body that will be sent.
    ///   - credentials: The credentials to sign with.
    ///   - date: The signing time.
    ///   - expires: Lifetime in seconds, 1…604800.
    ///   - payload: `.bodyHash` (the default) or `.unsigned` (what S3 presigned URLs use);
    ///     `.precomputed` uses the given hash; no header is added in this form.
    /// - Returns: The presigned request and the signature's intermediate values.
    /// - Throws: ``SigV4Error`` (`RequestExpired`) when `expires` is out of range.
    public func presign(
        _ request: HTTPRequest,
        body: [UInt8] = [],
        credentials: AWSCredentials,
        date: Date = Date(),
        expires: Int = 900,
        payload: Payload = .bodyHash
    ) throws(SigV4Error) -> Result {
        guard (1...604_800).contains(expires) else {
            throw .requestExpired("X-Amz-Expires must be between 1 and 604800 seconds")
        }
        var request = request
        request.headerFields[.authorization] = nil
        let amzDate = SigV4Date.format(date)
        let scope = credentialScope(amzDate: amzDate)
        let payloadHash: String =
            switch payload {
            case .bodyHash, .bodyHashHeader: SigV4Canonical.sha256Hex(body)
            case .unsigned: SigV4Canonical.unsignedPayload
            case .precomputed(let hash): hash
            }
        let signedHeaders = signedHeaderNames(request)
        var added: [(String, String)] = [
            ("X-Amz-Algorithm", SigV4Canonical.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";")),
            ("X-Amz-Expires", String(expires)),
        ]
        if let token = credentials.sessionToken, configuration.signsSessionToken {
            added.append(("X-Amz-Security-Token", token))
        }
        let (path, query) = RequestPath.split(request.path ?? "/")
        var queryText = String(query ?? "")
        for (name, value) in added {
            if !queryText.isEmpty { queryText += "&" }
            queryText += "\(name)=\(SigV4Canonical.encode(value))"
        }
        let canonical = SigV4Canonical.canonicalRequest(
            method: request.method.rawValue,
            uri: SigV4Canonical.canonicalURI(path, s3: configuration.s3Variant),
            query: SigV4Canonical.canonicalQuery(SigV4Canonical.parameters(ofQuery: queryText[...])),
            request: request,
            signedHeaders: signedHeaders,
            payloadHash: payloadHash
        )
        let stringToSign = SigV4Canonical.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        let signature = SigV4Canonical.signature(
            signingKey: signingKey(credentials, amzDate: amzDate),
            stringToSign: stringToSign
        )
        if let token = credentials.sessionToken, !configuration.signsSessionToken {
            queryText += "&X-Amz-Security-Token=\(SigV4Canonical.encode(token))"
        }
        queryText += "&X-Amz-Signature=\(signature)"
        request.path = "\(path)?\(queryText)"
        return Result(request: request, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature)
    }

    /// A presigned URL for a request without headers other than `host`.
    ///
    /// - Parameters:
    ///   - method: The method the URL is for.
    ///   - url: The absolute `http(s)` URL to presign, already percent-encoded.
    ///   - headerFields: Extra headers to sign; the user of the URL must send them.
    ///   - credentials: The credentials to sign with.
    ///   - date: The signing time.
    ///   - expires: Lifetime in seconds, 1…604800.
    ///   - payload: How the body is signed (`.unsigned` for S3-style URLs).
    /// - Returns: The presigned absolute URL.
    /// - Throws: ``SigV4Error`` when the URL is not absolute http(s) or `expires` is out of range.
    public func presignedURL(
        method: HTTPRequest.Method = .get,
        url: String,
        headerFields: HTTPFields = [:],
        credentials: AWSCredentials,
        date: Date = Date(),
        expires: Int = 900,
        payload: Payload = .bodyHash
    ) throws(SigV4Error) -> String {
        guard let parsed = URL(string: url), parsed.isAbsoluteHTTPURL else {
            throw .incompleteSignature("not an absolute http(s) URL")
        }
        let request = HTTPRequest(method: method, url: parsed, headerFields: headerFields)
        return try presign(request, credentials: credentials, date: date, expires: expires, payload: payload)
            .request.urlString
    }

    // MARK: - Internals

    static let xAmzDate = HTTPField.Name("X-Amz-Date")!
    static let xAmzSecurityToken = HTTPField.Name("X-Amz-Security-Token")!
    static let xAmzContentSHA256 = HTTPField.Name("X-Amz-Content-SHA256")!

    private func credentialScope(amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(configuration.region)/\(configuration.service)/aws4_request"
    }

    private func signingKey(_ credentials: AWSCredentials, amzDate: String) -> SymmetricKey {
        keyCache.signingKey(
            secret: credentials.secretAccessKey,
            date: String(amzDate.prefix(8)),
            region: configuration.region,
            service: configuration.service
        )
    }

    /// The sorted, unique, lower-case names of the headers to sign (always including `host`).
    private func signedHeaderNames(_ request: HTTPRequest) -> [String] {
        var names = Set<String>()
        for field in request.headerFields {
            let name = field.name.canonicalName
            if !configuration.unsignedHeaders.contains(name) { names.insert(name) }
        }
        if request.authority != nil || request.headerFields[HTTPField.Name("Host")!] != nil { names.insert("host") }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
