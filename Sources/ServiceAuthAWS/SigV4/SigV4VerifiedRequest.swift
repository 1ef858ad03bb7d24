public import Foundation
public import ServiceAuthCore

/// What a successful SigV4 verification proved about a request.
public struct SigV4VerifiedRequest: Sendable, Hashable {
    /// The access key id that signed the request.
    public var accessKeyId: String
    /// The IAM principal ARN behind the access key.
    public var principal: String
    /// The session token of temporary credentials. A credential: never log it.
    public var sessionToken: String?
    /// The lower-case names of the signed headers.
    public var signedHeaders: [String]
    /// The region of the credential scope.
    public var region: String
    /// The service of the credential scope.
    public var service: String
    /// The request's `X-Amz-Date`.
    public var signedAt: Date
    /// When the credentials expire, for temporary credentials.
    public var credentialExpiration: Date?
    /// Whether the signature came in the query string (a presigned URL).
    public var isPresigned: Bool

    /// Creates a verified request (the verifier does this).
    public init(
        accessKeyId: String,
        principal: String,
        sessionToken: String?,
        signedHeaders: [String],
        region: String,
        service: String,
        signedAt: Date,
        credentialExpiration: Date?,
        isPresigned: Bool
    ) {
        self.accessKeyId = accessKeyId
        self.principal = principal
        self.sessionToken = sessionToken
        self.signedHeaders = signedHeaders
        self.region = region
        self.service = service
        self.signedAt = signedAt
        self.credentialExpiration = credentialExpiration
        self.isPresigned = isPresigned
    }

    /// The caller as an ``Identity``: kind `.role`, principal = the ARN, subject = the access key id.
    public var identity: Identity {
        Identity(kind: .role, subject: accessKeyId, principal: principal, expiresAt: credentialExpiration)
    }
}
