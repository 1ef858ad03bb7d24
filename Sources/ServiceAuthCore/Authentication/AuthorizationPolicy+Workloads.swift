extension AuthorizationPolicy {
    /// A request whose connection's client certificate proved a workload matching one of
    /// `patterns` (see ``SPIFFEIDPattern``): an exact SPIFFE ID, `*` within a segment, a final
    /// `/**`.
    ///
    /// It reads ``AuthContext/workload`` — the certificate — whatever token proved the caller,
    /// so `.workloads("spiffe://demo.local/ns/*/sa/gateway") && .scopes("orders/invoke")` asks
    /// for both the gateway's machine and a token with the scope. A request without a client
    /// certificate is `401 missing_client_certificate`; a workload that does not match is `403
    /// workload_not_allowed`.
    ///
    /// - Parameter patterns: The allowed SPIFFE IDs.
    /// - Returns: The policy.
    public static func workloads(_ patterns: String...) -> AuthorizationPolicy { workloads(matching: patterns) }

    /// A request whose workload matches one of `patterns` (see ``workloads(_:)``).
    ///
    /// - Parameter patterns: The allowed SPIFFE IDs; invalid ones match nothing.
    /// - Returns: The policy.
    public static func workloads(matching patterns: [String]) -> AuthorizationPolicy {
        let compiled = patterns.map(SPIFFEIDPattern.init)
        return AuthorizationPolicy { input in
            guard let workload = input.auth.workload else {
                return .deny(AuthorizationDenial(.missingClientCertificate, "this route needs a client certificate"))
            }
            guard workload.kind == .workload, let spiffeID = workload.principal, compiled.contains(where: { $0.matches(spiffeID) }) else {
                return .deny(AuthorizationDenial(.workloadNotAllowed, "the workload is not allowed to call this route"))
            }
            return .allow
        }
    }
}
