import Crypto
import Foundation
import ServiceAuth

/// What a refresh token carries. Refresh tokens are opaque to clients (as Cognito's are):
/// these claims sealed with AES-256-GCM under a key only this issuer instance holds, so the
/// issuer keeps no token table and a forged or altered token cannot be opened.
struct RefreshTokenClaims: Codable, Sendable {
    var username: String
    var clientId: String
    var originJti: String
    var eventId: String
    var authTime: Int
    var expiresAt: Int
}

extension LocalIssuer {
    /// The Cognito scope every user access token carries.
    static let userAdminScope = "aws.cognito.signin.user.admin"
    private static let refreshPrefix = "RT1."

    /// Mints a client-credentials access token with Cognito's claims; `thumbprint` (the
    /// client certificate's `x5t#S256`) binds it to that certificate (RFC 8705 §3.1, `cnf`).
    func mintClientCredentialsToken(
        client: IdPConfiguration.Client, scopes: [String], issuer: String, boundTo thumbprint: String? = nil
    ) throws -> String {
        let now = Int(options.now().timeIntervalSince1970)
        var claims: [String: WireJSON] = [
            "sub": .string(client.clientId),
            "token_use": "access",
            "scope": .string(scopes.joined(separator: " ")),
            "auth_time": .int(now),
            "iss": .string(issuer),
            "exp": .int(now + client.effectiveAccessTokenLifetime),
            "iat": .int(now),
            "version": 2,
            "jti": .string(UUID().uuidString.lowercased()),
            "client_id": .string(client.clientId),
        ]
        if let thumbprint { claims["cnf"] = .object(["x5t#S256": .string(thumbprint)]) }
        return try signer.sign(claims)
    }

    /// The user's stable `sub`: configured, or a UUID derived from the pool and username so it
    /// survives restarts (services may key data by it).
    func subject(of user: IdPConfiguration.User) -> String {
        if let sub = user.sub { return sub }
        var bytes = Array(SHA256.hash(data: Data("\(configuration.userPoolId):\(user.username)".utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }

    /// The scopes of a user access token: Cognito's admin scope, then the user's scopes that
    /// the client is allowed.
    func userScopes(user: IdPConfiguration.User, client: IdPConfiguration.Client) -> [String] {
        let allowed = Set(client.allowedScopes)
        return [Self.userAdminScope] + (user.scopes ?? []).filter(allowed.contains)
    }

    /// Mints a user's access and id tokens with Cognito's claim shapes.
    func mintUserTokens(
        user: IdPConfiguration.User,
        client: IdPConfiguration.Client,
        issuer: String,
        session: RefreshTokenClaims
    ) throws -> (accessToken: String, idToken: String, expiresIn: Int) {
        let now = Int(options.now().timeIntervalSince1970)
        let lifetime = client.effectiveAccessTokenLifetime
        let sub = subject(of: user)
        var access: [String: WireJSON] = [
            "sub": .string(sub),
            "iss": .string(issuer),
            "version": 2,
            "client_id": .string(client.clientId),
            "origin_jti": .string(session.originJti),
            "event_id": .string(session.eventId),
            "token_use": "access",
            "scope": .string(userScopes(user: user, client: client).joined(separator: " ")),
            "auth_time": .int(session.authTime),
            "exp": .int(now + lifetime),
            "iat": .int(now),
            "jti": .string(UUID().uuidString.lowercased()),
            "username": .string(user.username),
        ]
        var id: [String: WireJSON] = [
            "sub": .string(sub),
            "iss": .string(issuer),
            "cognito:username": .string(user.username),
            "origin_jti": .string(session.originJti),
            "aud": .string(client.clientId),
            "event_id": .string(session.eventId),
            "token_use": "id",
            "auth_time": .int(session.authTime),
            "exp": .int(now + lifetime),
            "iat": .int(now),
            "jti": .string(UUID().uuidString.lowercased()),
        ]
        if !user.groups.isEmpty {
            // Cognito omits `cognito:groups` for a user in no group.
            access["cognito:groups"] = .array(user.groups.map(WireJSON.string))
            id["cognito:groups"] = .array(user.groups.map(WireJSON.string))
        }
        for (name, value) in user.attributes {
            if name == "email_verified" || name == "phone_number_verified" {
                id[name] = .bool(value == "true")
            } else {
                id[name] = .string(value)
            }
        }
        let signer = self.signer
        return (try signer.sign(access), try signer.sign(id), lifetime)
    }

    func sealRefreshToken(_ claims: RefreshTokenClaims) throws -> String {
        let plaintext = try JSONEncoder().encode(claims)
        let box = try AES.GCM.seal(plaintext, using: refreshTokenKey, authenticating: Data(Self.refreshPrefix.utf8))
        guard let combined = box.combined else { throw CognitoError.notAuthorized("Invalid Refresh Token") }
        return Self.refreshPrefix + Base64URL.encode(combined)
    }

    /// Opens a refresh token; `nil` for anything this issuer did not seal or that expired.
    func openRefreshToken(_ token: String) -> RefreshTokenClaims? {
        guard token.utf8.count <= 4096, token.hasPrefix(Self.refreshPrefix),
            let combined = Base64URL.decode(token.utf8.dropFirst(Self.refreshPrefix.utf8.count)),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plaintext = try? AES.GCM.open(box, using: refreshTokenKey, authenticating: Data(Self.refreshPrefix.utf8)),
            let claims = try? JSONDecoder().decode(RefreshTokenClaims.self, from: plaintext),
            claims.expiresAt > Int(options.now().timeIntervalSince1970)
        else { return nil }
        return claims
    }
}
