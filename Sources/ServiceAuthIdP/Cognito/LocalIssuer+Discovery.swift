import HTTPTypes

extension LocalIssuer {
    /// The OpenID Connect discovery document, shaped like Cognito's.
    ///
    /// `jwks_uri` and `token_endpoint` always point at this issuer, even when `issuer` is
    /// overridden to the real Cognito form, so that verifiers configured with the discovery
    /// document fetch keys from here. RFC 8705 §3.3 and §2.3: it announces certificate-bound
    /// access tokens and `tls_client_auth`.
    func openIDConfiguration(for request: HTTPRequest) -> [String: WireJSON] {
        let base = baseURL(for: request)
        let scopes = ["openid", "email", "phone", "profile"]
            + configuration.resourceServers.flatMap { server in server.scopes.map { "\(server.identifier)/\($0)" } }
        return [
            "issuer": .string(issuer(for: request)),
            "jwks_uri": .string("\(base)/\(configuration.userPoolId)/.well-known/jwks.json"),
            "token_endpoint": .string("\(base)/oauth2/token"),
            "authorization_endpoint": .string("\(base)/oauth2/authorize"),
            "userinfo_endpoint": .string("\(base)/oauth2/userInfo"),
            "response_types_supported": .array(["code", "token"]),
            "subject_types_supported": .array(["public"]),
            "id_token_signing_alg_values_supported": .array(["RS256"]),
            "token_endpoint_auth_methods_supported": .array(["client_secret_basic", "client_secret_post", "tls_client_auth"]),
            "tls_client_certificate_bound_access_tokens": .bool(true),
            "grant_types_supported": .array(["client_credentials"]),
            "scopes_supported": .array(scopes.map(WireJSON.string)),
        ]
    }
}
