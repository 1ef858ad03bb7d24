import ServiceAuth

/// Builds the JWT verifiers a sample needs from its flags, with the secure defaults.
enum SampleVerifiers {
    /// The verifier for bearer tokens sent by the direct caller (`--client-id`).
    static func callerVerifier(_ options: SampleOptions, transport: any HTTPTransport) -> JWTVerifier? {
        verifier(options, clientIds: options.clientId, transport: transport)
    }

    /// The verifier for the propagated user token (`--user-client-id`, else `--client-id`).
    static func userVerifier(_ options: SampleOptions, transport: any HTTPTransport) -> JWTVerifier? {
        verifier(options, clientIds: options.userClientId.isEmpty ? options.clientId : options.userClientId, transport: transport)
    }

    private static func verifier(_ options: SampleOptions, clientIds: [String], transport: any HTTPTransport) -> JWTVerifier? {
        guard let issuer = options.issuer else { return nil }
        let configuration = JWTVerifier.Configuration(
            issuers: [issuer],
            clientIds: clientIds,
            tokenUse: JWTVerifier.TokenUse(rawValue: options.tokenUse) ?? .access
        )
        return JWTVerifier(configuration: configuration, jwksURI: options.jwksUri, transport: transport, tokenCache: VerifiedTokenCache())
    }
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

    static func wrapAsync<T>(_ flag: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw SampleFlagError(flag: flag, reason: "\(error)") }
    }
}
