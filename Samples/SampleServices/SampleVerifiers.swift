import ServiceAuth

/// The JWT verifiers a sample needs, built from its flags with the secure defaults. Both share
/// one key cache for the issuer, so the JWKS is fetched (and refreshed) once per service.
struct SampleVerifiers: Sendable {
    /// Verifies bearer tokens sent by the direct caller (`--client-id`).
    let caller: JWTVerifier
    /// Verifies the propagated user token (`--user-client-id`, else `--client-id`).
    let user: JWTVerifier
    /// Refreshes the shared key cache in the background.
    let refresher: JWKSRefresher

    /// `nil` when no `--issuer` was given.
    ///
    /// - Throws: ``SampleFlagError`` for `--client-id` when an issuer is given without one: a
    ///   verifier that checks no audience would accept tokens minted for any other client.
    init?(_ options: SampleOptions, transport: any HTTPTransport) throws {
        guard let issuer = options.issuer else { return nil }
        guard !options.clientId.isEmpty else {
            throw SampleFlagError(flag: "--client-id", reason: "required with --issuer: the app client(s) whose tokens are accepted")
        }
        let tokenUse = JWTVerifier.TokenUse(rawValue: options.tokenUse) ?? .access
        let callerRules = JWTVerifier.Configuration(issuers: [issuer], audience: .clientIds(options.clientId), tokenUse: tokenUse)
        let userRules = JWTVerifier.Configuration(
            issuers: [issuer], audience: .clientIds(options.userClientId.isEmpty ? options.clientId : options.userClientId), tokenUse: tokenUse)
        let jwks = JWKSCache(jwksURI: try options.url(options.jwksUri, flag: "--jwks-uri") ?? callerRules.defaultJWKSURI, transport: transport)
        // `--no-token-cache` (benchmarks): every token is verified in full.
        caller = JWTVerifier(configuration: callerRules, jwks: jwks, tokenCache: options.noTokenCache ? nil : VerifiedTokenCache())
        user = JWTVerifier(configuration: userRules, jwks: jwks, tokenCache: options.noTokenCache ? nil : VerifiedTokenCache())
        refresher = JWKSRefresher(caches: [jwks])
    }

    /// Loads the issuer's keys.
    func hydrate() async throws { try await caller.hydrate() }
}

/// A flag whose value could not be used; reported naming the flag, exit code 2.
public struct SampleFlagError: Error, CustomStringConvertible {
    /// The flag, e.g. `--credentials`.
    public var flag: String
    /// What was wrong.
    public var reason: String
    /// `--flag: reason`.
    public var description: String { "\(flag): \(reason)" }

    static func wrap<T>(_ flag: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw SampleFlagError(flag: flag, reason: "\(error)") }
    }
}
