import ServiceAuth
import Foundation
import HTTPTypes

extension LocalIssuer {
    /// `POST /oauth2/token`: the client-credentials grant (RFC 6749 §4.4) as Cognito serves it,
    /// plus RFC 8705 over mutual TLS: `tls_client_auth` clients authenticate with `peer`, and
    /// every access token minted over a connection with a client certificate is bound to it
    /// (`cnf.x5t#S256`), so it is worthless to whoever steals it without the certificate's key.
    func tokenEndpoint(request: HTTPRequest, body: [UInt8], peer: PeerCertificate?) -> IssuerResponse {
        var clientLabel: String?
        var grant = IssuerMetrics.Grant.other
        // Every request counts once, successful or not, so tests and benchmarks can count
        // issuer calls.
        defer { metrics.tokenRequest(grant: grant, client: clientLabel) }
        do throws(OAuthError) {
            let contentType = request.headerFields[.contentType]?.lowercased() ?? ""
            guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
                throw .invalidRequest("the body must be application/x-www-form-urlencoded")
            }
            guard let form = FormFields(encoded: body) else { throw .invalidRequest("the body is not valid form encoding") }
            if let repeated = form.repeatedNames.first {
                throw .invalidRequest("parameter \(IdPConfiguration.printable(repeated)) is repeated")
            }
            guard let grantType = form["grant_type"], !grantType.isEmpty else { throw .invalidRequest("grant_type is required") }
            grant = grantType == "client_credentials" ? .clientCredentials : .other

            let client = try authenticateClient(request: request, form: form, peer: peer, label: &clientLabel)
            guard grant == .clientCredentials else { throw .unsupportedGrantType() }
            let scopes = try grantedScopes(requested: form["scope"], client: client)
            let token: String
            do {
                token = try mintClientCredentialsToken(
                    client: client, scopes: scopes, issuer: issuer(for: request), boundTo: peer?.thumbprintSHA256)
            } catch {
                options.logger.error("signing failed", metadata: ["error": "\(type(of: error))"])
                throw OAuthError(status: .serviceUnavailable, code: "temporarily_unavailable", description: "signing failed")
            }
            metrics.tokenIssued(grant: grant, client: client.clientId)
            var headers = HTTPFields()
            headers[.cacheControl] = "no-store"
            headers[HTTPField.Name("Pragma")!] = "no-cache"
            let answer: [String: WireJSON] = [
                "access_token": .string(token),
                "expires_in": .int(client.effectiveAccessTokenLifetime),
                "token_type": "Bearer",
            ]
            return .json(answer, extraHeaders: headers)
        } catch {
            metrics.error(api: "oauth2", code: error.code)
            options.logger.debug("token request refused", metadata: ["error": "\(error.code)"])
            return error.response
        }
    }

    /// Authenticates the client with `client_secret_basic` or `client_secret_post` (one of
    /// them, RFC 6749 §2.3.1), comparing secrets in constant time; or, for a client configured
    /// for RFC 8705 `tls_client_auth`, with `client_id` and the connection's client certificate.
    private func authenticateClient(
        request: HTTPRequest, form: FormFields, peer: PeerCertificate?, label: inout String?
    ) throws(OAuthError) -> IdPConfiguration.Client {
        var clientId = form["client_id"]
        var secret = form["client_secret"]
        let usesBasic = request.headerFields[.authorization] != nil
        if let authorization = request.headerFields[.authorization] {
            guard secret == nil else { throw .invalidRequest("use one client authentication method") }
            guard let (basicId, basicSecret) = Self.parseBasic(authorization) else { throw .invalidClient(basic: true) }
            if let clientId, clientId != basicId { throw .invalidRequest("client_id does not match the authenticated client") }
            clientId = basicId
            secret = basicSecret
        }
        guard let clientId, !clientId.isEmpty else { throw .invalidClient(basic: usesBasic) }
        guard let client = clientsById[clientId] else { throw .invalidClient(basic: usesBasic) }
        label = client.clientId
        if client.usesTLSClientAuth {
            // The certificate is this client's only credential (RFC 8705 §2.1): a secret sent
            // beside it is another method, and no certificate (or another one) is no client.
            guard secret == nil, !usesBasic, let peer, Self.certificate(peer, identifies: client) else {
                throw .invalidClient(basic: usesBasic)
            }
            return client
        }
        guard let expected = client.clientSecret else {
            throw .unauthorizedClient("a public client (no secret) cannot use the client_credentials grant")
        }
        guard let secret, SecretComparison.equal(secret, expected) else { throw .invalidClient(basic: usesBasic) }
        return client
    }

    /// RFC 8705 §2.1.2: the certificate carries the configured URI SAN (exactly) and has the
    /// configured subject DN (in the RFC 4514 form the certificate is written in); both when
    /// both are configured. The chain itself was verified by the TLS handshake.
    private static func certificate(_ peer: PeerCertificate, identifies client: IdPConfiguration.Client) -> Bool {
        if let uri = client.tlsClientAuthSanURI, !peer.uris.contains(uri) { return false }
        if let subject = client.tlsClientAuthSubjectDN, peer.subject != subject { return false }
        return client.usesTLSClientAuth
    }

    /// The requested scopes if all are allowed, or all allowed scopes when none are requested.
    /// As in Cognito, `client_credentials` grants custom (resource-server) scopes only: the
    /// built-in ones (`openid`, …) describe a user, and a client acting for itself has none.
    private func grantedScopes(requested: String?, client: IdPConfiguration.Client) throws(OAuthError) -> [String] {
        let requestedScopes = (requested ?? "").split(separator: " ").map(String.init)
        let custom = client.allowedScopes.filter { !IdPConfiguration.builtInScopes.contains($0) }
        guard !requestedScopes.isEmpty else {
            guard !custom.isEmpty else { throw .invalidScope("the client has no allowed scopes") }
            return custom
        }
        let allowed = Set(custom)
        for scope in requestedScopes where !allowed.contains(scope) {
            throw .invalidScope("scope \(IdPConfiguration.printable(scope)) is not allowed for this client")
        }
        var seen: Set<String> = []
        return requestedScopes.filter { seen.insert($0).inserted }
    }

    /// `Basic base64(urlencode(id):urlencode(secret))` → id and secret.
    static func parseBasic(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", parts[1].utf8.count <= 2048,
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        // RFC 6749 §2.3.1: both halves are form-urlencoded before joining.
        guard let form = FormFields(encoded: Array("i=\(text[..<colon])&s=\(text[text.index(after: colon)...])".utf8)),
            let id = form["i"]
        else { return nil }
        return (id, form["s"] ?? "")
    }
}
