public import Foundation
public import ServiceAuthCore

extension JWTVerifier {
    /// The issuer URL of an Amazon Cognito user pool.
    ///
    /// - Parameters:
    ///   - region: The AWS region, e.g. `eu-west-1`.
    ///   - userPoolId: The pool id, e.g. `eu-west-1_AbCdEf`.
    /// - Returns: `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`.
    public static func cognitoIssuer(region: String, userPoolId: String) -> String {
        "https://cognito-idp.\(region).amazonaws.com/\(userPoolId)"
    }

    /// A verifier for an Amazon Cognito user pool: the issuer and the JWKS URL
    /// (`{issuer}/.well-known/jwks.json`) are derived from the region and pool; Cognito signs
    /// with RS256 only, so only RS256 is allowed.
    ///
    /// - Parameters:
    ///   - region: The AWS region.
    ///   - userPoolId: The pool id.
    ///   - clientIds: The app clients whose tokens are accepted (`client_id` / `aud`).
    ///   - tokenUse: `access` (services) or `id`.
    ///   - transport: The HTTP transport used to fetch keys.
    ///   - tokenCache: A verified-token cache, or `nil`.
    ///   - now: The clock.
    /// - Returns: The verifier.
    public static func cognito(
        region: String,
        userPoolId: String,
        clientIds: [String],
        tokenUse: TokenUse,
        transport: any HTTPTransport,
        tokenCache: VerifiedTokenCache? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> JWTVerifier {
        let configuration = Configuration(
            issuers: [cognitoIssuer(region: region, userPoolId: userPoolId)],
            audience: .clientIds(clientIds),
            tokenUse: tokenUse,
            allowedAlgorithms: [.rs256]
        )
        return JWTVerifier(configuration: configuration, transport: transport, tokenCache: tokenCache, now: now)
    }
}
