public import Foundation
import HTTPTypes
import ServiceAuthCore

/// Makes STS delegation tokens: proof of an IAM identity for a service outside AWS.
///
/// The token is `sts-v1.` + base64url of a presigned STS `GetCallerIdentity` URL whose
/// signature covers the header `x-service-auth-audience: <audience>`. The receiving service
/// (``STSDelegationVerifier``) sends the URL to STS with its own audience in that header, so
/// the token is good only for that audience and only for a short time; the service never
/// sees the caller's secret. The scheme of HashiCorp Vault's AWS auth method and
/// aws-iam-authenticator.
public struct STSDelegationTokenGenerator: Sendable {
    /// The token prefix, naming the format's version.
    public static let tokenPrefix = "sts-v1."
    /// The signed header that binds the token to one audience.
    public static let audienceHeader = "x-service-auth-audience"

    /// Where and for whom the token is made.
    public struct Configuration: Sendable, Hashable {
        /// The STS endpoint the verifier will call (default `https://sts.amazonaws.com`).
        public var stsEndpoint: URL
        /// The signing region for STS (default `us-east-1`).
        public var region: String
        /// The audience (the receiving service's name).
        public var audience: String
        /// The presigned URL's lifetime in seconds (default 60).
        public var expires: Int

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - audience: The receiving service.
        ///   - stsEndpoint: The STS endpoint (default `https://sts.amazonaws.com`).
        ///   - region: The signing region (default `us-east-1`).
        ///   - expires: Lifetime in seconds (default 60).
        public init(
            audience: String,
            stsEndpoint: URL = URL(string: "https://sts.amazonaws.com")!,
            region: String = "us-east-1",
            expires: Int = 60
        ) {
            self.audience = audience
            self.stsEndpoint = stsEndpoint
            self.region = region
            self.expires = expires
        }
    }

    /// The configuration.
    public var configuration: Configuration

    /// Creates a generator.
    ///
    /// - Parameter configuration: Endpoint, audience and lifetime.
    public init(configuration: Configuration) { self.configuration = configuration }

    /// Makes a token.
    ///
    /// - Parameters:
    ///   - credentials: The caller's credentials.
    ///   - date: The signing time.
    /// - Returns: `sts-v1.<base64url of the presigned URL>`.
    /// - Throws: ``SigV4Error`` when the endpoint is not an http(s) URL or the lifetime is invalid.
    public func token(credentials: AWSCredentials, date: Date = Date()) throws(SigV4Error) -> String {
        var endpoint = configuration.stsEndpoint.absoluteString
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        var fields = HTTPFields()
        fields[HTTPField.Name(Self.audienceHeader)!] = configuration.audience
        let signer = SigV4Signer(configuration: .init(region: configuration.region, service: "sts"))
        let url = try signer.presignedURL(
            method: .get,
            url: endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15",
            headerFields: fields,
            credentials: credentials,
            date: date,
            expires: configuration.expires
        )
        return Self.tokenPrefix + Base64URL.encode(Array(url.utf8))
    }

    /// Makes a token with credentials from a provider.
    ///
    /// - Parameter provider: The source of the caller's credentials.
    /// - Returns: The token.
    /// - Throws: The provider's errors or ``SigV4Error``.
    public func token(provider: any AWSCredentialsProvider) async throws -> String {
        try token(credentials: try await provider.credentials())
    }
}
