public import Foundation
public import Logging
public import Metrics
import Synchronization
public import ServiceAuthCore

/// A process-wide registry of client-credentials tokens, one per (token endpoint, client id,
/// scope set).
///
/// Every part of an application that calls out with the same client and scopes should share
/// one token (and one refresh schedule) instead of each fetching its own: ask the cache for the
/// provider and keep using it. Scope *sets* are compared, so `["a", "b"]` and `["b", "a"]`
/// share a token, while different sets get separate tokens, as the issuer grants them.
///
/// When a configuration for an existing key differs in another respect (e.g. a rotated
/// secret or a different retry policy), the cache replaces the provider: later callers get a new
/// one built from the new configuration, so a wrong secret can never be served a token
/// fetched with the right one.
public final class TokenCache: Sendable {
    private struct Key: Hashable {
        var endpoint: String
        var clientId: String
        var scopes: Set<String>
    }

    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let metricsFactory: (any MetricsFactory)?
    private let providers = Mutex<[Key: ClientCredentialsTokenProvider]>([:])

    /// Creates an empty cache.
    ///
    /// - Parameters:
    ///   - transport: Sends the token requests of every provider in the cache.
    ///   - now: The clock for expiry decisions; the system clock by default.
    ///   - logger: Where fetch failures are logged (never with a secret or token).
    ///   - metricsFactory: The metrics backend; the bootstrapped global one by default.
    public init(
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "serviceauth.tokens"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.transport = transport
        self.now = now
        self.logger = logger
        self.metricsFactory = metricsFactory
    }

    /// The shared provider for `configuration`'s endpoint, client id and scope set.
    ///
    /// - Parameter configuration: The client-credentials configuration.
    /// - Returns: The provider already cached for the same key and configuration, or a new one
    ///   (whose configuration lists the scopes sorted and without duplicates).
    public func provider(for configuration: ClientCredentialsTokenProvider.Configuration) -> ClientCredentialsTokenProvider {
        // Normalise the scope list so that the order in which a caller lists scopes does not
        // split one logical token into several.
        var configuration = configuration
        configuration.scopes = Array(Set(configuration.scopes)).sorted()
        let key = Key(endpoint: configuration.tokenEndpoint.absoluteString, clientId: configuration.clientId, scopes: Set(configuration.scopes))
        return providers.withLock { providers in
            if let existing = providers[key], existing.configuration == configuration { return existing }
            let provider = ClientCredentialsTokenProvider(
                configuration: configuration,
                transport: transport,
                now: now,
                logger: logger,
                metricsFactory: metricsFactory
            )
            providers[key] = provider
            return provider
        }
    }

    /// A valid token for `configuration`, from the shared provider.
    ///
    /// - Parameter configuration: The client-credentials configuration.
    /// - Returns: The access token. Never log it.
    /// - Throws: ``TokenProviderError`` as ``ClientCredentialsTokenProvider/accessToken()``.
    public func accessToken(for configuration: ClientCredentialsTokenProvider.Configuration) async throws -> String {
        try await provider(for: configuration).accessToken()
    }
}
