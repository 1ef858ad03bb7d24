public import Foundation
import ServiceAuth

/// The claims of a Cognito user-pool access token, as Cognito issues them (field names and
/// value shapes copied from a real token; values are fixed so every run signs the same bytes).
public struct CognitoAccessClaims: Codable, Sendable {
    public var sub: String
    public var iss: String
    public var client_id: String
    public var origin_jti: String
    public var event_id: String
    public var token_use: String
    public var scope: String
    public var auth_time: Int
    public var exp: Int
    public var iat: Int
    public var jti: String
    public var username: String
}

/// Fixed identities shared by every suite.
public enum BenchFixtures {
    public static let region = "us-east-1"
    public static let userPoolId = "us-east-1_Bench01"
    public static let issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Bench01"
    public static let jwksURI = issuer + "/.well-known/jwks.json"
    public static let clientId = "3n4b5urk1ft4fl3mg5e62d9ado"
    /// Cognito's key ids are 44-character base64 strings.
    public static let rsaKeyID = "tVx6p5dYV0zKr0E7yd1m4Cg7lW6Z5gEuXJxwCJqq8Lk="
    public static let ecKeyID = "Qm9vbWVyYW5nS2V5SWRFUzI1NkJlbmNoMDAwMDAwMDA="

    /// The claims of a user access token valid for an hour from now.
    public static func accessClaims(now: Date = Date()) -> CognitoAccessClaims {
        let iat = Int(now.timeIntervalSince1970)
        return CognitoAccessClaims(
            sub: "94a8d4e8-3061-70c4-6f4b-0c2d1e3f4a5b",
            iss: issuer,
            client_id: clientId,
            origin_jti: "6b0f1c1e-8a2d-4b1c-9c55-3f8b2a7d9e10",
            event_id: "c9d2e4f6-1a3b-4c5d-8e7f-0a1b2c3d4e5f",
            token_use: "access",
            scope: "aws.cognito.signin.user.admin",
            auth_time: iat,
            exp: iat + 3600,
            iat: iat,
            jti: "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
            username: "alice"
        )
    }
}
