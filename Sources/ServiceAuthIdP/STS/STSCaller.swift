import HTTPTypes
/// Who signed an STS request: an IAM user with a long-term key, or an assumed-role session
/// with temporary credentials.
struct STSCaller: Sendable, Hashable {
    /// The caller's ARN (`…:user/NAME` or `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    var arn: String
    /// The access key id that signed the request.
    var accessKeyId: String
    /// For an assumed-role session, the role's own ARN (`arn:aws:iam::ACCOUNT:role/ROLE`).
    var roleArn: String?
}

/// Authenticates an STS request (SigV4, service `sts`).
///
/// A protocol so the STS endpoints do not depend on how signatures are checked; the issuer
/// uses ``SigV4STSAuthenticator`` (the package's own `SigV4Verifier`).
protocol STSCallerAuthenticating: Sendable {
    /// - Returns: The verified caller.
    /// - Throws: ``STSError`` with the AWS code (`MissingAuthenticationToken`,
    ///   `SignatureDoesNotMatch`, `InvalidClientTokenId`, `ExpiredToken`, …).
    func authenticate(_ request: HTTPRequest, body: [UInt8]) async throws(STSError) -> STSCaller
}
