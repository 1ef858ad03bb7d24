public import ArgumentParser
import Foundation
import ServiceAuth

/// The command-line flags every sample service accepts (CONTRACT.md).
///
/// All three services accept the same flags, so a script can pass any of them to any service;
/// each service uses the ones that concern it. Outbound flags are needed only by the calls
/// that use them: a service starts and serves `/whoami`, `/healthz` and `/metrics` without them.
public struct SampleOptions: ParsableArguments, Sendable {
    // MARK: Listening
    @Option(help: "The address to bind.")
    public var host: String = "127.0.0.1"

    @Option(help: "The port to bind (0 = any free port).")
    public var port: Int = 0

    // MARK: TLS
    /// `--tls-cert`, `--tls-key`, `--tls-ca`, `--require-client-cert`, `--http2`.
    @OptionGroup public var tls: TLSOptions

    /// SPIFFE IDs (or patterns) of the workloads allowed to call, proved by their client
    /// certificates; none: the connection's certificate is not part of the policy.
    @Option(name: .customLong("allowed-workload"), help: ArgumentHelp(
        "A SPIFFE ID allowed to call, proved by its client certificate (patterns: * within a segment, a trailing /**); repeatable. Needs --tls-ca.",
        valueName: "spiffe-id"))
    public var allowedWorkload: [String] = []

    // MARK: Inbound JWT
    @Option(help: "The trusted token issuer (iss), e.g. http://127.0.0.1:9000/us-east-1_LOCAL.")
    public var issuer: String?

    @Option(help: "The issuer's JWKS URL (default {issuer}/.well-known/jwks.json).")
    public var jwksUri: String?

    @Option(help: "Accepted app client id (client_id of access tokens, aud of id tokens); repeatable. Also the client-credentials client id for outbound calls unless --outbound-client-id is given.")
    public var clientId: [String] = []

    @Option(help: "Accepted client id for the propagated user token; repeatable (default: --client-id).")
    public var userClientId: [String] = []

    @Option(help: "Expected token_use: access or id.")
    public var tokenUse: String = "access"

    // MARK: Inbound SigV4
    @Option(help: "The AWS region requests are signed for.")
    public var region: String = "us-east-1"

    @Option(help: "The SigV4 service name requests are signed for.")
    public var service: String = "execute-api"

    @Option(help: "JSON file of long-term keys: [{\"accessKeyId\",\"secretAccessKey\",\"principal\",\"sessionToken\"?}].")
    public var credentials: String?

    @Option(help: "Principal ARN allowed to call (an IAM role also admits its assumed-role sessions); repeatable.")
    public var allowedPrincipal: [String] = []

    @Option(help: ArgumentHelp(
        "Accept the local issuer's temporary credentials: the owner-only (mode 0600) key file `serviceauth idp --session-key-file` writes.",
        valueName: "keyfile"))
    public var trustIssuerSts: String?

    @Option(name: .customLong("host-name"), help: "A Host value SigV4 signatures may name; repeatable (always accepted: the listening address and localhost, with or without the port).")
    public var hostName: [String] = []

    @Option(help: "The allowed clock skew for SigV4 requests, in seconds.")
    public var maxSkewSeconds: Int = 900

    @Flag(help: "Accept SigV4 requests whose payload is UNSIGNED-PAYLOAD.")
    public var allowUnsignedPayload = false

    // MARK: Outbound
    @Option(help: "Base URL of the orders service.")
    public var ordersUrl: String?

    @Option(help: "Base URL of the inventory service.")
    public var inventoryUrl: String?

    @Option(help: "OAuth token endpoint for client credentials (e.g. {idp}/oauth2/token).")
    public var tokenEndpoint: String?

    @Option(help: "The client-credentials client id (default: the first --client-id).")
    public var outboundClientId: String?

    @Option(help: "The client-credentials client secret.")
    public var clientSecret: String?

    @Option(help: "Scope to request with client credentials; repeatable.")
    public var scope: [String] = []

    @Option(help: "STS endpoint for AssumeRole (e.g. the local issuer's base URL).")
    public var stsEndpoint: String?

    @Option(help: "Access key id of the IAM user that assumes --role-arn.")
    public var accessKeyId: String?

    @Option(help: "Secret access key of the IAM user that assumes --role-arn.")
    public var secretAccessKey: String?

    @Option(help: "The role to assume for outbound SigV4 calls.")
    public var roleArn: String?

    // MARK: Benchmarking
    @Flag(help: "INSECURE, for benchmarks only: verify nothing and send no credentials, to measure the chain's cost without authentication.")
    public var noAuth = false

    @Flag(help: "For benchmarks: verify every bearer token in full (signature, claims) instead of reusing verified tokens; measures the verification cost per request.")
    public var noTokenCache = false

    /// Required by ArgumentParser; build values with `try SampleOptions.parse([...])`.
    public init() {}

    /// Checks combinations of flags (ArgumentParser exits with code 2 and the message).
    public mutating func validate() throws {
        guard tokenUse == "access" || tokenUse == "id" else {
            throw ValidationError("--token-use must be 'access' or 'id'")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxSkewSeconds > 0 else { throw ValidationError("--max-skew-seconds must be positive") }
        if jwksUri != nil && issuer == nil { throw ValidationError("--jwks-uri needs --issuer") }
        if let bad = hostName.first(where: { $0.isEmpty || $0.contains(where: { $0 == "/" || $0 == "@" || $0.isWhitespace }) }) {
            throw ValidationError("--host-name must be a host name or host:port, not '\(bad)'")
        }
        if !allowedWorkload.isEmpty && (tls.certificateAuthority == nil || tls.certificate == nil) {
            throw ValidationError("--allowed-workload needs --tls-cert, --tls-key and --tls-ca: workloads are proved by client certificates")
        }
        if (accessKeyId == nil) != (secretAccessKey == nil) {
            throw ValidationError("--access-key-id and --secret-access-key go together")
        }
    }

    /// The route security of a service: `authenticators` and `policy`, plus, with
    /// `--allowed-workload`, the client certificate's workload, which must be allowed before
    /// anything else is (a refused workload is `403 workload_not_allowed`).
    func security(_ authenticators: [any Authenticator], policy: AuthorizationPolicy) -> RouteSecurity {
        guard !allowedWorkload.isEmpty else { return RouteSecurity(authenticators, policy: policy) }
        return RouteSecurity([MutualTLSAuthenticator()] + authenticators, policy: .workloads(matching: allowedWorkload) && policy)
    }

    /// A URL flag's value parsed, or `nil` when the flag was not given.
    ///
    /// - Parameters:
    ///   - value: The flag's text.
    ///   - flag: The flag's name, for the error.
    /// - Returns: The URL.
    /// - Throws: ``SampleFlagError`` when the value is not an absolute http(s) URL.
    func url(_ value: String?, flag: String) throws -> URL? {
        guard let value else { return nil }
        guard let url = URL(string: value), url.isAbsoluteHTTPURL else {
            throw SampleFlagError(flag: flag, reason: "must be an absolute http(s) URL")
        }
        return url
    }
}
