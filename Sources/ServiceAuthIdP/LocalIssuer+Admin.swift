import ServiceAuth
import HTTPTypes
import Foundation

extension LocalIssuer {
    /// `/local/*`: authenticated first (`Authorization: Bearer <admin token>`, compared in
    /// constant time), then routed. Without the token a caller learns nothing, not even which
    /// paths exist: every refusal is the same 401 with `WWW-Authenticate: Bearer`.
    func adminEndpoint(path: String, method: HTTPRequest.Method, request: HTTPRequest) -> IssuerResponse {
        guard let expected = options.adminToken else {
            // Unreachable (the route exists only with a token); refuse rather than trust.
            return .json(["error": "not_found"], status: .notFound)
        }
        let authorization = request.headerFields[.authorization]
        guard let presented = authorization.flatMap(Self.bearerToken), SecretComparison.equal(presented, expected) else {
            metrics.error(api: "http", code: "unauthorized")
            // The token is never logged, nor what was presented instead.
            options.logger.notice("admin request refused", metadata: ["path": "\(IdPConfiguration.printable(path))"])
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = authorization == nil ? "Bearer" : #"Bearer error="invalid_token""#
            return .json(["error": "unauthorized"], status: .unauthorized, extraHeaders: headers)
        }
        var noStore = HTTPFields()
        noStore[.cacheControl] = "no-store"
        switch (path, method) {
        case ("/local/rotate-keys", .post):
            do {
                return .json(["kid": try rotateKeys()], extraHeaders: noStore)
            } catch {
                metrics.error(api: "http", code: "rotation_failed")
                return .json(["error": "rotation_failed"], status: .serviceUnavailable)
            }
        case ("/local/sts-session-key", .get):
            options.logger.notice("session key read through the admin route")
            return .json(["key": exportedSessionKey], extraHeaders: noStore)
        case ("/local/rotate-keys", _), ("/local/sts-session-key", _):
            metrics.error(api: "http", code: "method_not_allowed")
            return .json(["error": "method_not_allowed"], status: .methodNotAllowed)
        default:
            metrics.error(api: "http", code: "not_found")
            return .json(["error": "not_found"], status: .notFound)
        }
    }

    /// The token of `Bearer <token>` (RFC 6750 §2.1: the scheme is case-insensitive).
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Refuses an admin token too short to resist guessing, or one that cannot travel in a header.
    static func validateAdminToken(_ token: String) throws(IdPConfigurationError) {
        guard token.count >= Options.minimumAdminTokenLength else {
            throw IdPConfigurationError(key: "adminToken", message: "must be at least \(Options.minimumAdminTokenLength) characters")
        }
        guard token.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw IdPConfigurationError(key: "adminToken", message: "must be printable ASCII without spaces")
        }
    }
}
