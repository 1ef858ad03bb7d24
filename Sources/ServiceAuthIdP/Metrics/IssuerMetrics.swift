import Prometheus

/// The issuer's counters, in its own registry.
///
/// The issuer does not use the global `MetricsSystem`: the demo runs the issuer and three
/// services in one process, and each must expose only its own numbers on `/metrics`. Label
/// values come from the configuration (client ids, role ARNs) or fixed sets, never from raw
/// request input, so a hostile caller cannot grow the registry without bound.
struct IssuerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let knownClients: Set<String>
    private let knownRoles: Set<String>

    init(registry: PrometheusCollectorRegistry, configuration: IdPConfiguration) {
        self.registry = registry
        knownClients = Set(configuration.clients.map(\.clientId))
        knownRoles = Set(configuration.roles.map(\.arn))
    }

    /// Grants as the `grant` label writes them.
    enum Grant: String {
        case clientCredentials = "client_credentials"
        case userPassword = "user_password"
        case refreshToken = "refresh_token"
        case other
    }

    /// One token request (successful or not) of a grant by a client.
    func tokenRequest(grant: Grant, client: String?) {
        registry.makeCounter(
            descriptor: Self.descriptor("token_requests", "Token requests (successful or not) by grant and client."),
            labels: [("grant", grant.rawValue), ("client", label(client, known: knownClients))]
        ).increment()
    }

    /// One token issued (access token, with an id token for user grants).
    func tokenIssued(grant: Grant, client: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("tokens_issued", "Tokens issued by grant and client."),
            labels: [("grant", grant.rawValue), ("client", label(client, known: knownClients))]
        ).increment()
    }

    /// One `AssumeRole` call, by requested role and outcome (`success` or the error code).
    func assumeRole(role: String?, outcome: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("assume_role", "STS AssumeRole calls by role and outcome."),
            labels: [("role", label(role, known: knownRoles)), ("outcome", outcome)]
        ).increment()
    }

    /// One `GetCallerIdentity` call that succeeded.
    func getCallerIdentity() {
        registry.makeCounter(descriptor: Self.descriptor("get_caller_identity", "Successful STS GetCallerIdentity calls.")).increment()
    }

    /// One error response, by API (`oauth2`, `cognito`, `sts`, `http`) and code (a fixed set).
    func error(api: String, code: String) {
        registry.makeCounter(
            descriptor: Self.descriptor("errors", "Error responses by API and code."),
            labels: [("api", api), ("code", code)]
        ).increment()
    }

    /// One signing-key rotation.
    func keyRotation() {
        registry.makeCounter(descriptor: Self.descriptor("key_rotations", "Signing-key rotations.")).increment()
    }

    /// `serviceauth_idp_NAME_total` with its help text.
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "serviceauth", subsystem: "idp", metricName: name, unitName: "total", helpText: help)
    }

    private func label(_ value: String?, known: Set<String>) -> String {
        guard let value, known.contains(value) else { return "unknown" }
        return value
    }
}
