import ServiceAuth
import HTTPTypes
import Foundation

extension LocalIssuer {
    /// `/local/*`, reached only through the admin route group of ``router()``, whose security
    /// already checked the admin token; here the request is only routed.
    func respondAsAdmin(to request: HTTPRequest) -> (HTTPResponse, MessageBody) {
        let response = adminEndpoint(
            path: String(RequestPath.withoutQuery(request.path ?? "/")),
            method: request.method == .head ? .get : request.method)
        return (response.head, MessageBody(response.body))
    }

    func adminEndpoint(path: String, method: HTTPRequest.Method) -> IssuerResponse {
        var noStore = HTTPFields()
        noStore[.cacheControl] = "no-store"
        // Byte for byte, as the router matched it: ASCII routes, a path with any other byte refused.
        guard RequestPath.isASCII(path) else {
            metrics.error(api: "http", code: "not_found")
            return .json(["error": "not_found"], status: .notFound)
        }
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

    /// Refuses an admin token that is too short or that no bearer header could carry.
    static func validateAdminToken(_ token: String) throws(IdPConfigurationError) {
        guard token.count >= Options.minimumAdminTokenLength else {
            throw IdPConfigurationError(key: "adminToken", message: "must be at least \(Options.minimumAdminTokenLength) characters")
        }
        // A bearer credential can carry only an RFC 6750 b64token.
        var fields = HTTPFields()
        fields[.authorization] = "Bearer " + token
        guard BearerToken.extract(from: fields) == .token(token) else {
            throw IdPConfigurationError(key: "adminToken", message: "must be an RFC 6750 token: letters, digits and -._~+/ (with trailing =)")
        }
    }
}
