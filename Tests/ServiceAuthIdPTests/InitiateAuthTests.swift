import Foundation
import HTTPTypes
import Testing
@testable import ServiceAuthIdP

@Suite struct InitiateAuthTests {
    let issuer: LocalIssuer
    let clock = TestClock()

    init() throws {
        issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test", now: clock.closure), signingKey: TestSigningKey.shared)
    }

    func initiateAuth(_ body: String, target: String = LocalIssuer.initiateAuthTarget) async throws -> (HTTPResponse, [String: Any]) {
        let (response, text) = try await send(issuer, .post, "/", headers: cognitoHeaders(target: target), body: body)
        return (response, jsonObject(text))
    }

    func login(_ username: String, _ password: String, client: String = "web") -> String {
        #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"\#(client)","AuthParameters":{"USERNAME":"\#(username)","PASSWORD":"\#(password)"}}"#
    }

    @Test func passwordAuthIssuesCognitoShapedTokens() async throws {
        let (response, answer) = try await initiateAuth(login("alice", "alice-password"))
        #expect(response.status == .ok)
        #expect(response.headerFields[.contentType] == "application/x-amz-json-1.1")
        let result = try #require(answer["AuthenticationResult"] as? [String: Any])
        #expect(result["TokenType"] as? String == "Bearer")
        #expect(result["ExpiresIn"] as? Int == 3600)
        let access = jwtParts(result["AccessToken"] as? String ?? "").payload
        let id = jwtParts(result["IdToken"] as? String ?? "").payload
        #expect(access["token_use"] as? String == "access")
        #expect(access["username"] as? String == "alice")
        #expect(access["client_id"] as? String == "web")
        #expect(access["cognito:groups"] as? [String] == ["customers"])
        #expect(access["scope"] as? String == "aws.cognito.signin.user.admin orders/read orders/write")
        #expect(access["iss"] as? String == "http://idp.test/us-east-1_LOCAL")
        #expect(id["token_use"] as? String == "id")
        #expect(id["cognito:username"] as? String == "alice")
        #expect(id["aud"] as? String == "web")
        #expect(id["email"] as? String == "alice@example.com")
        #expect(id["email_verified"] as? Bool == true)
        #expect(id["sub"] as? String == access["sub"] as? String)
        #expect(id["origin_jti"] as? String == access["origin_jti"] as? String)
        #expect(id["event_id"] as? String == access["event_id"] as? String)
        #expect((access["sub"] as? String)?.count == 36)
        #expect((result["RefreshToken"] as? String)?.hasPrefix("RT1.") == true)
    }

    @Test func userWithoutGroupsHasNoGroupsClaim() async throws {
        let (_, answer) = try await initiateAuth(login("carol", "carol-password"))
        let result = try #require(answer["AuthenticationResult"] as? [String: Any])
        #expect(jwtParts(result["AccessToken"] as? String ?? "").payload["cognito:groups"] == nil)
    }

    @Test func subIsStableAcrossIssuers() async throws {
        let other = try LocalIssuer(options: .init(issuerBase: "http://idp.test"))
        let user = IdPConfiguration.demo.users[0]
        #expect(issuer.subject(of: user) == other.subject(of: user))
        #expect(issuer.subject(of: user) != issuer.subject(of: IdPConfiguration.demo.users[1]))
    }

    @Test func refreshKeepsTheSessionAndExpires() async throws {
        let (_, first) = try await initiateAuth(login("alice", "alice-password"))
        let result = try #require(first["AuthenticationResult"] as? [String: Any])
        let refreshToken = try #require(result["RefreshToken"] as? String)
        let originJti = jwtParts(result["AccessToken"] as? String ?? "").payload["origin_jti"] as? String
        let refresh = #"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"web","AuthParameters":{"REFRESH_TOKEN":"\#(refreshToken)"}}"#

        clock.advance(600)
        let (response, second) = try await initiateAuth(refresh)
        #expect(response.status == .ok)
        let refreshed = try #require(second["AuthenticationResult"] as? [String: Any])
        #expect(refreshed["RefreshToken"] == nil)
        let claims = jwtParts(refreshed["AccessToken"] as? String ?? "").payload
        #expect(claims["origin_jti"] as? String == originJti)
        #expect(claims["iat"] as? Int == Int(clock.now.timeIntervalSince1970))

        let (otherClient, wrongClient) = try await initiateAuth(refresh.replacingOccurrences(of: #""ClientId":"web""#, with: #""ClientId":"orders-service""#))
        #expect(otherClient.status == .badRequest)
        #expect(wrongClient["__type"] as? String == "NotAuthorizedException")

        clock.advance(31 * 86400)
        let (expired, answer) = try await initiateAuth(refresh)
        #expect(expired.status == .badRequest)
        #expect(answer["__type"] as? String == "NotAuthorizedException")
    }

    /// Every failure has Cognito's shape and code; none is a server error.
    @Test(arguments: [
        (#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"alice","PASSWORD":"nope"}}"#, "NotAuthorizedException"),
        (#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"mallory","PASSWORD":"x"}}"#, "NotAuthorizedException"),
        (#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"nope","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password"}}"#, "ResourceNotFoundException"),
        (#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"gateway","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password"}}"#, "NotAuthorizedException"),
        (#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"gateway","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password","SECRET_HASH":"AAAA"}}"#, "NotAuthorizedException"),
        (#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web","AuthParameters":{"USERNAME":"alice"}}"#, "InvalidParameterException"),
        (#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"web"}"#, "InvalidParameterException"),
        (#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"web","AuthParameters":{}}"#, "InvalidParameterException"),
        (#"{"AuthFlow":"USER_PASSWORD_AUTH"}"#, "InvalidParameterException"),
        (#"{"ClientId":"web"}"#, "InvalidParameterException"),
        (#"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"web","AuthParameters":{"REFRESH_TOKEN":"RT1.AAAA"}}"#, "NotAuthorizedException"),
        (#"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"web","AuthParameters":{"REFRESH_TOKEN":"garbage"}}"#, "NotAuthorizedException"),
        (#"{"AuthFlow":5}"#, "SerializationException"),
        (#"[]"#, "SerializationException"),
        (#"{"#, "SerializationException"),
        ("", "SerializationException"),
        ("\u{0}\u{1}", "SerializationException"),
    ])
    func errorsHaveCognitosShape(body: String, type: String) async throws {
        let (response, answer) = try await initiateAuth(body)
        #expect(response.status == .badRequest)
        #expect(response.headerFields[HTTPField.Name("x-amzn-ErrorType")!] == type)
        #expect(answer["__type"] as? String == type)
        #expect(answer["message"] is String)
    }

    @Test func unknownTargetIsAnUnknownOperation() async throws {
        let (response, answer) = try await initiateAuth("{}", target: "AWSCognitoIdentityProviderService.AdminDeleteUser")
        #expect(response.status == .badRequest)
        #expect(answer["__type"] as? String == "UnknownOperationException")
    }

    @Test func secretHashIsAccepted() async throws {
        // base64(HMAC-SHA256("gateway-secret", "alice" + "gateway")), computed independently.
        let hash = "WQ28cW8/ybqNTH6E9+5+ILzhzBwFo11874ctNe5WO3E="
        let body = #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"gateway","AuthParameters":{"USERNAME":"alice","PASSWORD":"alice-password","SECRET_HASH":"\#(hash)"}}"#
        let (response, _) = try await initiateAuth(body)
        #expect(response.status == .ok)
    }
}
