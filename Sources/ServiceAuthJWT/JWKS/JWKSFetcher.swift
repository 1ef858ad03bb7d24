import Foundation
import HTTPTypes
import HTTPTypesFoundation
import Logging
import Metrics
import Synchronization
import ServiceAuthCore

/// Fetches and parses one issuer's JWK Set: OpenID discovery (once), the `GET` within the
/// configured deadline and size limit, the `Cache-Control` freshness, logging and metrics.
///
/// It decides nothing about *when* to fetch: ``JWKSCache`` does, through its
/// ``RefreshingValue``. A separate object so that the cache's fetch closure can hold it
/// without holding the cache.
final class JWKSFetcher: Sendable {
    private let configuration: JWKSCache.Configuration
    private let transport: any HTTPTransport
    private let logger: Logger
    /// The `jwks_uri` found by discovery; looked up once.
    private let resolvedJWKSURI = Mutex<String?>(nil)
    private let started = Atomic<Int>(0)
    private let succeeded = Counter(label: "serviceauth_jwks_fetches_total", dimensions: [("result", "success")])
    private let failed = Counter(label: "serviceauth_jwks_fetches_total", dimensions: [("result", "failure")])

    init(configuration: JWKSCache.Configuration, transport: any HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
    }

    /// How many fetches have been started.
    var fetchCount: Int { started.load(ordering: .relaxed) }

    /// Fetches the key set.
    ///
    /// - Returns: The keys and how long they are fresh, in seconds.
    /// - Throws: `jwks_unavailable` when the keys could not be fetched or parsed.
    func fetch() async throws(JWTError) -> (JWKSetParser.Result, TimeInterval) {
        started.add(1, ordering: .relaxed)
        do {
            let (keys, maxAge) = try await fetchKeySet()
            succeeded.increment()
            logger.debug("fetched JWKS", metadata: ["keys": "\(keys.keysByID.count)", "skipped": "\(keys.skipped)"])
            return (keys, maxAge)
        } catch {
            failed.increment()
            logger.warning("JWKS fetch failed; cached keys stay in service", metadata: ["reason": "\(error.message)"])
            throw error
        }
    }

    private func fetchKeySet() async throws(JWTError) -> (JWKSetParser.Result, TimeInterval) {
        let uri = try await jwksURI()
        let (response, body) = try await get(uri)
        guard let keys = JWKSetParser.parse(body, maxKeys: configuration.maxKeys) else {
            throw JWTError(.jwksUnavailable, "the issuer's JWKS is not a valid JWK Set")
        }
        let maxAge = JWKSCache.maxAge(response.headerFields[values: .cacheControl])
            ?? configuration.defaultMaxAge.timeInterval
        return (keys, min(maxAge, configuration.maximumMaxAge.timeInterval))
    }

    private func jwksURI() async throws(JWTError) -> String {
        switch configuration.source {
        case .jwksURI(let uri):
            return uri.absoluteString
        case .discovery(let issuer):
            if let resolved = resolvedJWKSURI.withLock({ $0 }) { return resolved }
            let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
            let (_, body) = try await get(base + "/.well-known/openid-configuration")
            guard let document = try? JSONValue.parse(body, maxDepth: 8),
                  document["issuer"]?.stringValue == issuer,
                  let uri = document["jwks_uri"]?.stringValue
            else { throw JWTError(.jwksUnavailable, "the issuer's OpenID configuration is invalid") }
            resolvedJWKSURI.withLock { $0 = uri }
            return uri
        }
    }

    /// GETs `uri` within the configured deadline and size limit; 200 only.
    private func get(_ uri: String) async throws(JWTError) -> (HTTPResponse, [UInt8]) {
        var fields = HTTPFields()
        fields[.accept] = "application/json"
        guard let url = URL(string: uri), url.isAbsoluteHTTPURL else {
            throw JWTError(.jwksUnavailable, "the JWKS URL is invalid")
        }
        let request = HTTPRequest(method: .get, url: url, headerFields: fields)
        if !LoopbackHost.permitsPlainHTTP(request, allowInsecureHTTP: configuration.allowInsecureHTTP) {
            throw JWTError(.jwksUnavailable, "refusing to fetch keys over plain http from a non-loopback host (set allowInsecureHTTP)")
        }
        let transport = self.transport
        let timeout = configuration.fetchTimeout
        let limit = configuration.maxResponseBytes
        do {
            // Enforced here too, so a transport that ignores it cannot stall verification
            // beyond the contract's 5 s.
            let (response, body) = try await transport.send(request, body: nil, enforcingDeadline: timeout, maxResponseBytes: limit)
            guard response.status == .ok else {
                throw JWTError(.jwksUnavailable, "the JWKS endpoint answered \(response.status.code)")
            }
            guard body.count <= limit else { throw JWTError(.jwksUnavailable, "the JWKS response is too large") }
            return (response, body)
        } catch let error as JWTError {
            throw error
        } catch {
            throw JWTError(.jwksUnavailable, "the issuer's keys could not be fetched (\(HTTPTransportError.safeDescription(of: error)))")
        }
    }
}
