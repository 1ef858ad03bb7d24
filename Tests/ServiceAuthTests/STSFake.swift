import Foundation
import HTTPTypes
import ServiceAuth
import Synchronization

/// A small STS for tests: `AssumeRole` (POST, form-encoded) and `GetCallerIdentity` (GET,
/// presigned or header-signed), each verified with the package's own SigV4 verifier.
/// Temporary credentials are sealed into their session token like the local issuer's.
final class STSFake: Sendable {
    static let userAccessKeyId = "AKIASTSFAKEUSER00001"
    static let userSecret = "stsFakeUserSecretKey/0123456789abcdefghij"
    static let userArn = "arn:aws:iam::123456789012:user/orders-service"
    static let roleArn = "arn:aws:iam::123456789012:role/orders"

    let sealer = SessionTokenSealer.random()
    private let clock: TestClock
    private let counters = Mutex<[String: Int]>([:])
    /// When set, AssumeRole answers this STS error code.
    let forcedError = Mutex<String?>(nil)

    init(clock: TestClock) { self.clock = clock }

    var sourceCredentials: AWSCredentials {
        AWSCredentials(accessKeyId: Self.userAccessKeyId, secretAccessKey: Self.userSecret)
    }

    func calls(_ action: String) -> Int { counters.withLock { $0[action, default: 0] } }

    private var verifier: SigV4Verifier {
        let clock = self.clock
        let store = CompositeCredentialStore([
            JSONFileCredentialStore(entries: [
                .init(accessKeyId: Self.userAccessKeyId, secretAccessKey: Self.userSecret, principal: Self.userArn)
            ]),
            IssuerSessionCredentialStore(sealer: sealer, now: { clock.now }),
        ])
        return SigV4Verifier(
            configuration: .init(region: "us-east-1", service: "sts", acceptedHosts: .anyHost),
            credentialStore: store,
            now: { clock.now }
        )
    }

    /// Handles one request.
    func handle(_ request: HTTPRequest, body: [UInt8]) async -> (HTTPResponse, [UInt8]) {
        let verified: SigV4VerifiedRequest
        do {
            verified = try await verifier.verify(request, body: body)
        } catch {
            return Self.error(code: error.code.rawValue, status: .forbidden)
        }
        var parameters: [String: String] = [:]
        let query = request.path.flatMap { path in path.firstIndex(of: "?").map { String(path[path.index(after: $0)...]) } }
        for source in [query ?? "", String(decoding: body, as: UTF8.self)] {
            for pair in source.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? ""
                let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? "") : ""
                parameters[name] = value
            }
        }
        guard parameters["Version"] == "2011-06-15" else { return Self.error(code: "InvalidAction", status: .badRequest) }
        let action = parameters["Action"] ?? ""
        counters.withLock { $0[action, default: 0] += 1 }
        switch action {
        case "GetCallerIdentity":
            let xml = """
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult>
                    <Arn>\(verified.principal)</Arn>
                    <UserId>\(verified.accessKeyId)</UserId>
                    <Account>123456789012</Account>
                  </GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>
                """
            return (HTTPResponse(status: .ok), Array(xml.utf8))
        case "AssumeRole":
            if let code = forcedError.withLock({ $0 }) { return Self.error(code: code, status: .forbidden) }
            guard verified.principal == Self.userArn, parameters["RoleArn"] == Self.roleArn,
                let session = parameters["RoleSessionName"], let duration = parameters["DurationSeconds"].flatMap(Int.init)
            else { return Self.error(code: "AccessDenied", status: .forbidden) }
            let expiration = clock.now.addingTimeInterval(TimeInterval(duration))
            let number = calls("AssumeRole")
            let accessKeyId = "ASIAFAKE\(String(format: "%012d", number))"
            let secret = "temporarySecret\(number)/abcdefghijklmnopqrstuvwxyz"
            let claims = SessionTokenClaims(
                accessKeyId: accessKeyId,
                secretAccessKey: secret,
                principal: "arn:aws:sts::123456789012:assumed-role/orders/\(session)",
                issuedAt: clock.now,
                expiration: expiration
            )
            guard let token = try? sealer.seal(claims) else { return Self.error(code: "InternalFailure", status: .internalServerError) }
            let xml = """
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleResult>
                    <Credentials>
                      <AccessKeyId>\(accessKeyId)</AccessKeyId>
                      <SecretAccessKey>\(secret)</SecretAccessKey>
                      <SessionToken>\(token)</SessionToken>
                      <Expiration>\(ISO8601DateFormatter().string(from: expiration))</Expiration>
                    </Credentials>
                    <AssumedRoleUser>
                      <Arn>\(claims.principal)</Arn>
                      <AssumedRoleId>AROAFAKE:\(session)</AssumedRoleId>
                    </AssumedRoleUser>
                  </AssumeRoleResult>
                </AssumeRoleResponse>
                """
            return (HTTPResponse(status: .ok), Array(xml.utf8))
        default:
            return Self.error(code: "InvalidAction", status: .badRequest)
        }
    }

    static func error(code: String, status: HTTPResponse.Status) -> (HTTPResponse, [UInt8]) {
        let xml = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code>\(code)</Code><Message>refused: \(code)</Message></Error>
              <RequestId>1</RequestId>
            </ErrorResponse>
            """
        return (HTTPResponse(status: status), Array(xml.utf8))
    }
}

/// An in-process transport that hands requests to a closure (until the loopback server lands).
struct ClosureTransport: HTTPTransport {
    var handler: @Sendable (HTTPRequest, [UInt8]) async throws -> (HTTPResponse, [UInt8])

    func send(
        _ request: HTTPRequest,
        body: [UInt8]?,
        timeout: Duration,
        maxResponseBytes: Int
    ) async throws -> (HTTPResponse, [UInt8]) {
        let (response, responseBody) = try await handler(request, body ?? [])
        guard responseBody.count <= maxResponseBytes else { throw HTTPTransportError.responseTooLarge }
        return (response, responseBody)
    }
}
