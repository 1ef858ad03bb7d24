import Foundation
import HTTPTypes
import ServiceAuth

/// Authenticates STS requests with the package's own `SigV4Verifier` (service `sts`, the
/// configured region), against the configured IAM users and this issuer's sealed temporary
/// credentials.
struct SigV4STSAuthenticator: STSCallerAuthenticating {
    private let verifier: SigV4Verifier

    init(configuration: IdPConfiguration, sealer: SessionTokenSealer, now: @escaping @Sendable () -> Date) {
        // Any host: the local issuer answers under whatever name a developer reaches it by, and
        // the credential scope's service `sts` is its alone, so a signature made for it cannot
        // be replayed against a service (whose scope names another service).
        verifier = SigV4Verifier(
            configuration: SigV4Verifier.Configuration(region: configuration.region, service: "sts", acceptedHosts: .anyHost),
            credentialStore: IdPCredentialStore(configuration: configuration, sealer: sealer, now: now),
            now: now
        )
    }

    func authenticate(_ request: HTTPRequest, body: [UInt8]) async throws(STSError) -> STSCaller {
        let verified: SigV4VerifiedRequest
        do {
            verified = try await verifier.verify(request, body: body)
        } catch {
            throw STSError(sigV4: error)
        }
        return STSCaller(arn: verified.principal, accessKeyId: verified.accessKeyId, roleArn: Self.roleArn(ofSession: verified.principal))
    }

    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` → `arn:aws:iam::ACCOUNT:role/ROLE`.
    static func roleArn(ofSession arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "sts", parts[5].hasPrefix("assumed-role/") else { return nil }
        let resource = parts[5].split(separator: "/")
        guard resource.count >= 3 else { return nil }
        return "arn:aws:iam::\(parts[4]):role/\(resource[1])"
    }
}

extension STSError {
    /// STS's status for each SigV4 failure code.
    init(sigV4 error: SigV4Error) {
        let status: HTTPResponse.Status
        switch error.code {
        case .incompleteSignature, .requestExpired, .expiredToken: status = .badRequest
        default: status = .forbidden
        }
        self.init(status: status, code: error.code.rawValue, message: error.message)
    }
}

/// The keys STS accepts: the configured IAM users' long-term keys, and temporary credentials
/// whose session token this issuer sealed (opened offline, so the issuer keeps no session table).
///
/// A sealed session must also be one this issuer could have granted: its lifetime within its
/// role's `maxSessionDurationSeconds` (and 12 h), its role still configured. A token minted
/// with the key but past those rules is `InvalidClientTokenId`.
struct IdPCredentialStore: CredentialStore {
    private let iamUsers: [String: IdPConfiguration.IAMUser]
    private let sessions: IssuerSessionCredentialStore

    init(configuration: IdPConfiguration, sealer: SessionTokenSealer, now: @escaping @Sendable () -> Date) {
        iamUsers = Dictionary(configuration.iamUsers.map { ($0.accessKeyId, $0) }, uniquingKeysWith: { first, _ in first })
        let roleLimits = Dictionary(
            configuration.roles.map { ($0.arn, Duration.seconds($0.effectiveMaxSessionDuration)) }, uniquingKeysWith: { first, _ in first }
        )
        sessions = IssuerSessionCredentialStore(
            sealer: sealer,
            configuration: .init(roleMaxSessionDuration: { principal in
                SigV4STSAuthenticator.roleArn(ofSession: principal).flatMap { roleLimits[$0] }
            }),
            now: now
        )
    }

    func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
        if let user = iamUsers[accessKeyId] {
            // A long-term key never comes with a session token; AWS refuses the mix too.
            guard sessionToken == nil else {
                throw SigV4Error(.invalidClientTokenId, "The security token included in the request is invalid.")
            }
            return StoredCredential(secretAccessKey: user.secretAccessKey, principal: user.arn)
        }
        guard accessKeyId.hasPrefix("ASIA") else { return nil }
        guard sessionToken != nil else {
            throw SigV4Error(.invalidClientTokenId, "The security token included in the request is invalid.")
        }
        return try await sessions.credential(forAccessKeyId: accessKeyId, sessionToken: sessionToken)
    }
}
