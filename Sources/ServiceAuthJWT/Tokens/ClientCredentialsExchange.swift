import Foundation
import HTTPTypes
import HTTPTypesFoundation
import Logging
import ServiceAuthCore

/// One client-credentials fetch against the token endpoint: the request of RFC 6749 §4.4.2,
/// the response of §5.1/§5.2, a deadline per request and the bounded retry policy.
///
/// Holds no mutable state; the provider decides *when* to fetch and shares one fetch among all
/// waiting callers.
struct ClientCredentialsExchange: Sendable {
    let configuration: ClientCredentialsTokenProvider.Configuration
    let transport: any HTTPTransport
    let logger: Logger
    let metrics: TokenMetrics

    /// The largest `expires_in` accepted (one year); larger values are treated as malformed,
    /// so that a broken issuer cannot make the provider cache a token forever.
    static let maxLifetimeSeconds: Double = 366 * 24 * 3600
    /// `expires_in` is only RECOMMENDED (RFC 6749 §5.1); without it, assume this lifetime.
    static let assumedLifetimeSeconds: Double = 300

    /// Fetches a token, retrying transient failures with exponential backoff and full jitter.
    ///
    /// - Parameter now: The clock used to date the token.
    /// - Returns: The token, or the error of the last attempt.
    /// - Throws: `CancellationError` when the fetch was cancelled.
    func fetch(now: @Sendable () -> Date) async throws -> Result<IssuedToken, TokenProviderError> {
        let request: (HTTPRequest, [UInt8])
        switch makeRequest() {
        case .success(let built): request = built
        case .failure(let error): return .failure(error)
        }
        let attempts = Swift.max(configuration.retry.maxAttempts, 1)
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let result = await send(request.0, body: request.1, now: now)
            switch result {
            case .success(let token):
                metrics.requestsSucceeded.increment()
                logger.debug(
                    "token issued",
                    metadata: ["client_id": "\(configuration.clientId)", "usable_until": "\(token.usableUntil)", "attempt": "\(attempt)"]
                )
                return result
            case .failure(let error):
                metrics.requestsFailed.increment()
                logger.warning(
                    "token request failed",
                    metadata: [
                        "code": "\(error.code.rawValue)", "attempt": "\(attempt)", "client_id": "\(configuration.clientId)",
                        "status": "\(error.httpStatus.map { String($0) } ?? "-")",
                    ]
                )
                guard error.isRetryable, attempt < attempts else { return result }
                // Full jitter (a random wait up to the exponential ceiling) spreads the retries
                // of many instances that failed at the same moment.
                let ceiling = configuration.retry.backoffCeiling(afterAttempt: attempt)
                try await Task.sleep(for: .seconds(Double.random(in: 0...Swift.max(ceiling, 0))))
                attempt += 1
            }
        }
    }

    /// Builds the token request, or a configuration error.
    func makeRequest() -> Result<(HTTPRequest, [UInt8]), TokenProviderError> {
        let url = configuration.tokenEndpoint
        guard url.isAbsoluteHTTPURL else {
            return .failure(TokenProviderError(code: .invalidConfiguration, message: "the token endpoint is not an absolute http(s) URL"))
        }
        var request = HTTPRequest(method: .post, url: url)
        if !LoopbackHost.permitsPlainHTTP(request, allowInsecureHTTP: configuration.allowInsecureHTTP) {
            return .failure(
                TokenProviderError(
                    code: .invalidConfiguration,
                    message: "refusing to send client credentials over plain http to a non-loopback host (set allowInsecureHTTP)"
                )
            )
        }
        guard !configuration.clientId.isEmpty, !configuration.clientSecret.isEmpty else {
            return .failure(TokenProviderError(code: .invalidConfiguration, message: "the client id and secret must not be empty"))
        }
        // scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) (RFC 6749 §3.3): reject what would
        // change the meaning of the space-separated list.
        for scope in configuration.scopes {
            let valid = !scope.isEmpty && scope.utf8.allSatisfy { $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0) }
            guard valid else {
                return .failure(TokenProviderError(code: .invalidConfiguration, message: "a configured scope contains characters RFC 6749 §3.3 forbids"))
            }
        }
        var form: [(String, String)] = [("grant_type", "client_credentials")]
        if !configuration.scopes.isEmpty { form.append(("scope", configuration.scopes.joined(separator: " "))) }
        switch configuration.authMethod {
        case .clientSecretBasic:
            request.headerFields[.authorization] = Self.basicAuthorization(clientId: configuration.clientId, clientSecret: configuration.clientSecret)
        case .clientSecretPost:
            form.append(("client_id", configuration.clientId))
            form.append(("client_secret", configuration.clientSecret))
        }
        let body = Array(TokenFormEncoding.encode(form).utf8)
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        request.headerFields[.accept] = "application/json"
        request.headerFields[.contentLength] = String(body.count)
        return .success((request, body))
    }

    /// The `Authorization` value for `client_secret_basic`: per RFC 6749 §2.3.1 the id and
    /// secret are form-url-encoded *before* being joined with `:` and base64-encoded, so a `:`
    /// in the id cannot shift the boundary between the two.
    static func basicAuthorization(clientId: String, clientSecret: String) -> String {
        let credentials = TokenFormEncoding.encode(clientId) + ":" + TokenFormEncoding.encode(clientSecret)
        return "Basic " + Data(credentials.utf8).base64EncodedString()
    }

    /// Sends one request under the configured deadline and interprets the answer.
    private func send(_ request: HTTPRequest, body: [UInt8], now: @Sendable () -> Date) async -> Result<IssuedToken, TokenProviderError> {
        let response: HTTPResponse
        let responseBody: [UInt8]
        do {
            // The deadline is enforced even for a transport that ignores it, so a hanging
            // endpoint cannot hold the fetch (and every caller waiting for it) longer.
            (response, responseBody) = try await transport.send(
                request, body: body, enforcingDeadline: configuration.requestTimeout, maxResponseBytes: configuration.maxResponseBytes)
        } catch let error as HTTPTransportError where error == .responseTooLarge {
            return .failure(TokenProviderError(code: .invalidResponse, message: "the token endpoint's response exceeds \(configuration.maxResponseBytes) bytes"))
        } catch let error as HTTPTransportError where error == .timeout {
            return .failure(TokenProviderError(code: .issuerUnavailable, message: "the token endpoint did not answer within \(configuration.requestTimeout)"))
        } catch let error as HTTPTransportError where error.redirectStatus != nil {
            // Never followed (the client credentials would go along); a misconfiguration, not
            // an outage, so it is not retried.
            return .failure(TokenProviderError(code: .invalidResponse, message: "the token endpoint \(error.reason)"))
        } catch {
            // Transport errors of other libraries can embed addresses: report only what is safe.
            return .failure(TokenProviderError(
                code: .issuerUnavailable, message: "the token endpoint could not be reached (\(HTTPTransportError.safeDescription(of: error)))"))
        }
        return Self.interpret(response: response, body: responseBody, receivedAt: now(), policy: configuration.refresh)
    }

    /// Turns the token endpoint's answer into a token or a typed error.
    static func interpret(
        response: HTTPResponse,
        body: [UInt8],
        receivedAt: Date,
        policy: ClientCredentialsTokenProvider.RefreshPolicy
    ) -> Result<IssuedToken, TokenProviderError> {
        let status = response.status.code
        switch status {
        case 200:
            guard let parsed = try? JSONDecoder().decode(TokenResponseBody.self, from: Data(body)) else {
                return .failure(TokenProviderError(code: .invalidResponse, message: "the token response is not the expected JSON object", httpStatus: status))
            }
            guard let token = parsed.accessToken, isBearerTokenSyntax(token) else {
                return .failure(TokenProviderError(code: .invalidResponse, message: "the token response has no usable access_token", httpStatus: status))
            }
            // RFC 6749 §7.1: the client must understand the token type; only bearer tokens
            // (RFC 6750) can go into `Authorization: Bearer`.
            guard parsed.tokenType?.lowercased() == "bearer" else {
                return .failure(TokenProviderError(code: .invalidResponse, message: "the token response's token_type is not Bearer", httpStatus: status))
            }
            let lifetime = parsed.expiresIn ?? assumedLifetimeSeconds
            guard lifetime.isFinite, lifetime >= 1, lifetime <= maxLifetimeSeconds else {
                return .failure(TokenProviderError(code: .invalidResponse, message: "the token response's expires_in is out of range", httpStatus: status))
            }
            return .success(IssuedToken(value: token, lifetime: lifetime, receivedAt: receivedAt, policy: policy))
        case 408, 429, 500...599:
            return .failure(TokenProviderError(code: .issuerUnavailable, message: "the token endpoint answered HTTP \(status)", httpStatus: status))
        case 400...499:
            // RFC 6749 §5.2: 400 (or 401 for invalid_client) with {"error": code}. Only the
            // registered codes are passed on; the issuer's free-text description is not, so no
            // unvetted text reaches logs.
            let parsed = try? JSONDecoder().decode(TokenErrorBody.self, from: Data(body))
            if let code = parsed?.error.flatMap({ raw in knownErrorCodes.first { $0.rawValue == raw } }) {
                return .failure(TokenProviderError(code: code, message: "the token endpoint answered \(code.rawValue) (HTTP \(status))", httpStatus: status))
            }
            return .failure(TokenProviderError(code: .invalidResponse, message: "the token endpoint answered HTTP \(status) without a known OAuth error", httpStatus: status))
        default:
            return .failure(TokenProviderError(code: .invalidResponse, message: "the token endpoint answered HTTP \(status)", httpStatus: status))
        }
    }

    private static let knownErrorCodes: [TokenProviderError.Code] = [
        .invalidClient, .invalidScope, .unauthorizedClient, .invalidGrant, .invalidRequest, .unsupportedGrantType,
    ]

    /// `b64token` of RFC 6750 §2.1, the only shape that can be sent as `Bearer <token>`; bounded
    /// so a hostile issuer cannot make every outbound request carry megabytes.
    static func isBearerTokenSyntax(_ token: String) -> Bool {
        guard !token.isEmpty, token.utf8.count <= 16 * 1024 else { return false }
        var sawPadding = false
        for byte in token.utf8 {
            if byte == UInt8(ascii: "=") {
                sawPadding = true
                continue
            }
            guard !sawPadding else { return false }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                continue
            default:
                return false
            }
        }
        return token.utf8.first != UInt8(ascii: "=")
    }
}

/// The successful token response of RFC 6749 §5.1.
private struct TokenResponseBody: Decodable {
    var accessToken: String?
    var tokenType: String?
    var expiresIn: Double?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try container.decodeIfPresent(String.self, forKey: .accessToken)
        tokenType = try container.decodeIfPresent(String.self, forKey: .tokenType)
        // Some issuers send `expires_in` as a string; accept both, reject anything else.
        if let number = try? container.decodeIfPresent(Double.self, forKey: .expiresIn) {
            expiresIn = number
        } else if let text = try container.decodeIfPresent(String.self, forKey: .expiresIn) {
            guard let number = Double(text) else {
                throw DecodingError.dataCorruptedError(forKey: .expiresIn, in: container, debugDescription: "not a number")
            }
            expiresIn = number
        } else {
            expiresIn = nil
        }
    }
}

/// The error response of RFC 6749 §5.2.
private struct TokenErrorBody: Decodable {
    var error: String?
}
