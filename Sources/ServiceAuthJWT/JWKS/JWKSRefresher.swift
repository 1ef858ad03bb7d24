public import ServiceLifecycle
import ServiceAuthCore

/// Keeps one or more ``JWKSCache``s fresh in the background, so no request waits for a fetch
/// when keys go stale or rotate.
///
/// Run it in a swift-service-lifecycle `ServiceGroup`; it stops on graceful shutdown or
/// cancellation. A failed refresh is logged by the cache and the cached keys stay in service.
public struct JWKSRefresher: Service {
    /// The caches refreshed.
    public let caches: [JWKSCache]
    /// The time between refreshes.
    public let interval: Duration

    /// Creates a refresher.
    ///
    /// - Parameters:
    ///   - caches: The caches to refresh.
    ///   - interval: The time between refreshes.
    public init(caches: [JWKSCache], interval: Duration = .seconds(300)) {
        self.caches = caches
        self.interval = interval
    }

    /// Refreshes every cache at once, then every ``interval``, until graceful shutdown.
    ///
    /// - Throws: Never in practice; fetch failures are absorbed by the caches.
    public func run() async throws {
        let caches = self.caches
        let interval = self.interval
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for cache in caches { try? await cache.refresh() }
                // Cancellation (graceful shutdown) ends the sleep and the loop: a normal return.
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
