import HTTPTypes
import ServiceAuth

/// An error of `/oauth2/token`, as RFC 6749 §5.2 and Cognito write it:
/// `{"error":"invalid_client","error_description":"…"}`, with `Cache-Control: no-store`.
struct OAuthError: Error, Sendable, Hashable {
    var status: HTTPResponse.Status
    var code: String
    var description: String
    /// `WWW-Authenticate` for a failed `client_secret_basic` authentication (RFC 6749 §5.2).
    var challenge: AuthChallenge?

    static func invalidRequest(_ description: String) -> OAuthError {
        OAuthError(status: .badRequest, code: "invalid_request", description: description)
    }
    static func invalidClient(basic: Bool) -> OAuthError {
        OAuthError(
            status: .unauthorized, code: "invalid_client", description: "client authentication failed",
            challenge: basic ? AuthChallenge(scheme: "Basic", parameters: [.init("realm", "oauth2")]) : nil
        )
    }
    static func unauthorizedClient(_ description: String) -> OAuthError {
        OAuthError(status: .badRequest, code: "unauthorized_client", description: description)
    }
    static func unsupportedGrantType() -> OAuthError {
        OAuthError(status: .badRequest, code: "unsupported_grant_type", description: "only grant_type=client_credentials is supported")
    }
    static func invalidScope(_ description: String) -> OAuthError {
        OAuthError(status: .badRequest, code: "invalid_scope", description: description)
    }

    var response: IssuerResponse {
        var headers = HTTPFields()
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Pragma")!] = "no-cache"
        if let challenge { headers[.wwwAuthenticate] = challenge.headerValue }
        return .json(["error": code, "error_description": description], status: status, extraHeaders: headers)
    }
}
