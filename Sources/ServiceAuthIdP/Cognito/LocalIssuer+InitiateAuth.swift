import ServiceAuth
import Crypto
import Foundation
import HTTPTypes

/// The part of Cognito's `InitiateAuth` input the issuer reads; other members are ignored.
private struct InitiateAuthInput: Decodable {
    var AuthFlow: String?
    var ClientId: String?
    var AuthParameters: [String: String]?
}

extension LocalIssuer {
    static let initiateAuthTarget = "AWSCognitoIdentityProviderService.InitiateAuth"

    /// `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth`.
    func initiateAuthEndpoint(target: String, request: HTTPRequest, body: [UInt8], requestId: String) -> IssuerResponse {
        var grant = IssuerMetrics.Grant.other
        var clientLabel: String?
        defer { metrics.tokenRequest(grant: grant, client: clientLabel) }
        do throws(CognitoError) {
            guard target == Self.initiateAuthTarget else { throw .unknownOperation() }
            guard let input = try? JSONDecoder().decode(InitiateAuthInput.self, from: Data(body)) else { throw .serialization() }
            guard let clientId = input.ClientId else { throw .invalidParameter(Self.nullMember("clientId")) }
            guard let flow = input.AuthFlow else { throw .invalidParameter(Self.nullMember("authFlow")) }
            switch flow {
            case "USER_PASSWORD_AUTH": grant = .userPassword
            case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN": grant = .refreshToken
            default: break
            }
            guard let client = clientsById[clientId] else {
                throw .resourceNotFound("User pool client \(IdPConfiguration.printable(clientId)) does not exist.")
            }
            clientLabel = client.clientId
            let parameters = input.AuthParameters ?? [:]
            let result: [String: WireJSON]
            switch grant {
            case .userPassword: result = try passwordAuth(client: client, parameters: parameters, issuer: issuer(for: request))
            case .refreshToken: result = try refreshAuth(client: client, parameters: parameters, issuer: issuer(for: request))
            case .clientCredentials, .other: throw .invalidParameter("Initiate Auth method not supported.")
            }
            metrics.tokenIssued(grant: grant, client: client.clientId)
            var headers = HTTPFields()
            headers[HTTPField.Name("x-amzn-RequestId")!] = requestId
            return .json(
                ["AuthenticationResult": WireJSON.object(result), "ChallengeParameters": WireJSON.object([:])],
                contentType: "application/x-amz-json-1.1", extraHeaders: headers
            )
        } catch {
            metrics.error(api: "cognito", code: error.type)
            options.logger.debug("InitiateAuth refused", metadata: ["error": "\(error.type)"])
            return error.response(requestId: requestId)
        }
    }

    private func passwordAuth(client: IdPConfiguration.Client, parameters: [String: String], issuer: String) throws(CognitoError) -> [String: WireJSON] {
        guard let username = parameters["USERNAME"] else { throw .invalidParameter("Missing required parameter USERNAME") }
        guard let password = parameters["PASSWORD"] else { throw .invalidParameter("Missing required parameter PASSWORD") }
        try checkSecretHash(client: client, parameters: parameters, usernames: [username])
        // Unknown user and wrong password answer alike, so the API cannot enumerate users
        // (Cognito's "prevent user existence errors").
        let user = usersByName[username]
        let passwordMatches = SecretComparison.equal(password, user?.password ?? "\u{0}no user")
        guard let user, passwordMatches else { throw .notAuthorized("Incorrect username or password.") }

        let now = Int(options.now().timeIntervalSince1970)
        let session = RefreshTokenClaims(
            username: user.username, clientId: client.clientId, originJti: UUID().uuidString.lowercased(),
            eventId: UUID().uuidString.lowercased(), authTime: now, expiresAt: now + client.effectiveRefreshTokenLifetime
        )
        do {
            let tokens = try mintUserTokens(user: user, client: client, issuer: issuer, session: session)
            return [
                "AccessToken": .string(tokens.accessToken),
                "IdToken": .string(tokens.idToken),
                "RefreshToken": .string(try sealRefreshToken(session)),
                "ExpiresIn": .int(tokens.expiresIn),
                "TokenType": "Bearer",
            ]
        } catch {
            throw CognitoError(type: "InternalErrorException", message: "signing failed", status: .serviceUnavailable)
        }
    }

    private func refreshAuth(client: IdPConfiguration.Client, parameters: [String: String], issuer: String) throws(CognitoError) -> [String: WireJSON] {
        guard let token = parameters["REFRESH_TOKEN"] else { throw .invalidParameter("Missing required parameter REFRESH_TOKEN") }
        guard let session = openRefreshToken(token), session.clientId == client.clientId,
            let user = usersByName[session.username]
        else { throw .notAuthorized("Invalid Refresh Token") }
        // Cognito computes the refresh SECRET_HASH over the username or the sub.
        try checkSecretHash(client: client, parameters: parameters, usernames: [user.username, subject(of: user)])
        do {
            let tokens = try mintUserTokens(user: user, client: client, issuer: issuer, session: session)
            return [
                "AccessToken": .string(tokens.accessToken),
                "IdToken": .string(tokens.idToken),
                "ExpiresIn": .int(tokens.expiresIn),
                "TokenType": "Bearer",
            ]
        } catch {
            throw CognitoError(type: "InternalErrorException", message: "signing failed", status: .serviceUnavailable)
        }
    }

    /// A client with a secret must prove it with `SECRET_HASH` =
    /// base64(HMAC-SHA256(secret, username + clientId)), as Cognito requires.
    private func checkSecretHash(client: IdPConfiguration.Client, parameters: [String: String], usernames: [String]) throws(CognitoError) {
        guard let secret = client.clientSecret else { return }
        let clientName = IdPConfiguration.printable(client.clientId)
        guard let given = parameters["SECRET_HASH"] else {
            throw .notAuthorized("Client \(clientName) is configured for secret but secret was not received")
        }
        let key = SymmetricKey(data: Data(secret.utf8))
        let matches = usernames.contains { username in
            let mac = HMAC<SHA256>.authenticationCode(for: Data((username + client.clientId).utf8), using: key)
            return SecretComparison.equal(Data(mac).base64EncodedString(), given)
        }
        guard matches else { throw .notAuthorized("Unable to verify secret hash for client \(clientName)") }
    }

    static func nullMember(_ name: String) -> String {
        "1 validation error detected: Value null at '\(name)' failed to satisfy constraint: Member must not be null"
    }
}
