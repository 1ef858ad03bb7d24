public import Foundation
import HTTPTypes
import HTTPTypesFoundation
public import ServiceAuthCore

/// Temporary credentials from STS `AssumeRole`, cached and refreshed ahead of expiry.
///
/// Calls the STS query API (`POST`, form-encoded
/// `Action=AssumeRole&Version=2011-06-15&RoleArn=…&RoleSessionName=…&DurationSeconds=…`),
/// itself signed with SigV4 (service `sts`) using the source credentials, through the core
/// ``HTTPTransport``; works with real STS and with the local issuer.
///
/// Caching is a ``RefreshingValue``: concurrent callers share one STS call (single flight).
/// Once credentials are within ``Configuration/refreshAhead`` of expiry (but never later than
/// halfway through their lifetime), callers keep getting them at once while one background
/// call replaces them; if that call fails, the cached credentials stay in service until they
/// expire, and no new call starts for ``Configuration/failureCooldown``. Without valid
/// credentials, callers during the cool-down get the last failure again.
public final class AssumeRoleCredentialsProvider: AWSCredentialsProvider {
    /// Which role to assume, and where.
    public struct Configuration: Sendable {
        /// The ARN of the role to assume.
        public var roleArn: String
        /// The session name (it appears in the assumed-role ARN).
        public var roleSessionName: String
        /// The requested lifetime, in seconds (default 3600).
        public var durationSeconds: Int
        /// The STS endpoint URL (default `https://sts.amazonaws.com`).
        public var stsEndpoint: URL
        /// The signing region for STS (default `us-east-1`).
        public var region: String
        /// How long before expiry to refresh in the background (default 300 s).
        public var refreshAhead: Duration
        /// How long after a failed STS call no new one starts (default 2 s): callers with valid
        /// credentials keep them, callers without get the failure again.
        public var failureCooldown: Duration
        /// The deadline of one STS call (default 10 s).
        public var timeout: Duration
        /// The largest STS response accepted (default 64 KiB).
        public var maxResponseBytes: Int
        /// Whether a plain `http` STS endpoint on a host other than the loopback interface is
        /// allowed. Off by default: the answer carries the temporary secret in clear text.
        public var allowInsecureHTTP: Bool

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - roleArn: The role to assume.
        ///   - roleSessionName: The session name.
        ///   - durationSeconds: Requested lifetime (default 3600).
        ///   - stsEndpoint: The STS URL (default `https://sts.amazonaws.com`).
        ///   - region: The signing region (default `us-east-1`).
        ///   - refreshAhead: Refresh this long before expiry (default 300 s).
        ///   - failureCooldown: How long a failed call is remembered (default 2 s).
        ///   - timeout: Deadline of one STS call (default 10 s).
        ///   - maxResponseBytes: Largest STS response (default 64 KiB).
        ///   - allowInsecureHTTP: Allow plain `http` to non-loopback hosts (default `false`).
        public init(
            roleArn: String,
            roleSessionName: String,
            durationSeconds: Int = 3600,
            stsEndpoint: URL = URL(string: "https://sts.amazonaws.com")!,
            region: String = "us-east-1",
            refreshAhead: Duration = .seconds(300),
            failureCooldown: Duration = .seconds(2),
            timeout: Duration = .seconds(10),
            maxResponseBytes: Int = 65_536,
            allowInsecureHTTP: Bool = false
        ) {
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
            self.durationSeconds = durationSeconds
            self.stsEndpoint = stsEndpoint
            self.region = region
            self.refreshAhead = refreshAhead
            self.failureCooldown = failureCooldown
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.allowInsecureHTTP = allowInsecureHTTP
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private let cached: RefreshingValue<AWSCredentials>

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - configuration: The role and the STS endpoint.
    ///   - sourceCredentials: The credentials that call `AssumeRole` (e.g. an IAM user's keys).
    ///   - transport: The HTTP transport to STS.
    ///   - now: The clock.
    public init(
        configuration: Configuration,
        sourceCredentials: any AWSCredentialsProvider,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        let call = AssumeRoleCall(configuration: configuration, source: sourceCredentials, transport: transport, now: now)
        cached = RefreshingValue(throttle: .init(failureCooldown: configuration.failureCooldown), now: now) {
            let credentials = try await call.send()
            let fetched = now()
            // STS always states an expiry (the response is refused without one).
            let expiration = credentials.expiration ?? fetched
            // Refresh `refreshAhead` before expiry, but never later than halfway through a
            // short lifetime, so short sessions are not refetched per call.
            let lead = min(configuration.refreshAhead.timeInterval, expiration.timeIntervalSince(fetched) / 2)
            return RefreshingValue.Entry(value: credentials, refreshAt: expiration.addingTimeInterval(-max(0, lead)), expiresAt: expiration)
        }
    }

    /// Valid temporary credentials, from the cache or a (shared) STS call.
    ///
    /// - Returns: The role's temporary credentials.
    /// - Throws: ``AWSCredentialsError`` with the STS error code, or a transport failure.
    public func credentials() async throws -> AWSCredentials {
        try await cached.value()
    }
}

/// One `AssumeRole` call with the source credentials.
private struct AssumeRoleCall: Sendable {
    let configuration: AssumeRoleCredentialsProvider.Configuration
    let source: any AWSCredentialsProvider
    let transport: any HTTPTransport
    let now: @Sendable () -> Date

    func send() async throws -> AWSCredentials {
        let sourceCredentials = try await source.credentials()
        let parameters = [
            ("Action", "AssumeRole"),
            ("DurationSeconds", String(configuration.durationSeconds)),
            ("RoleArn", configuration.roleArn),
            ("RoleSessionName", configuration.roleSessionName),
            ("Version", "2011-06-15"),
        ]
        let document = try await STSQuery.send(
            parameters: parameters,
            endpoint: configuration.stsEndpoint.absoluteString,
            region: configuration.region,
            credentials: sourceCredentials,
            transport: transport,
            timeout: configuration.timeout,
            maxResponseBytes: configuration.maxResponseBytes,
            allowInsecureHTTP: configuration.allowInsecureHTTP,
            date: now()
        )
        guard document.root == "AssumeRoleResponse", let accessKeyId = document.values["AccessKeyId"],
            let secret = document.values["SecretAccessKey"], let token = document.values["SessionToken"],
            let expirationText = document.values["Expiration"], let expiration = STSQuery.parseDate(expirationText)
        else { throw AWSCredentialsError.invalidResponse("STS AssumeRole response lacks credentials") }
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}

/// The STS query protocol: a SigV4-signed, form-encoded `POST` answered with XML.
enum STSQuery {
    static func send(
        parameters: [(String, String)],
        endpoint: String,
        region: String,
        credentials: AWSCredentials,
        transport: any HTTPTransport,
        timeout: Duration,
        maxResponseBytes: Int,
        allowInsecureHTTP: Bool,
        date: Date
    ) async throws -> STSXMLDocument {
        guard let url = URL(string: endpoint), url.isAbsoluteHTTPURL else {
            throw AWSCredentialsError.invalidResponse("invalid STS endpoint \(endpoint)")
        }
        var request = HTTPRequest(method: .post, url: url)
        if !LoopbackHost.permitsPlainHTTP(request, allowInsecureHTTP: allowInsecureHTTP) {
            throw AWSCredentialsError.invalidResponse("refusing to call STS over plain http on a non-loopback host (set allowInsecureHTTP)")
        }
        let body = Array(
            parameters.map { "\(SigV4Canonical.encode($0.0))=\(SigV4Canonical.encode($0.1))" }.joined(separator: "&")
                .utf8
        )
        request.headerFields[.contentType] = "application/x-www-form-urlencoded; charset=utf-8"
        let signer = SigV4Signer(configuration: .init(region: region, service: "sts"))
        let signed = signer.sign(request, body: body, credentials: credentials, date: date).request
        let response: HTTPResponse
        let responseBody: [UInt8]
        do {
            (response, responseBody) = try await transport.send(
                signed,
                body: body,
                enforcingDeadline: timeout,
                maxResponseBytes: maxResponseBytes
            )
        } catch {
            throw AWSCredentialsError.transport("STS call failed: \(HTTPTransportError.safeDescription(of: error))")
        }
        guard let document = STSXMLDocument.parse(responseBody) else {
            throw AWSCredentialsError.invalidResponse("STS answered \(response.status.code) without a valid XML body")
        }
        if let error = document.error(status: response.status.code) { throw error }
        guard response.status.kind == .successful else {
            throw AWSCredentialsError.invalidResponse("STS answered \(response.status.code)")
        }
        return document
    }

    /// Parses STS's ISO 8601 timestamps, with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
