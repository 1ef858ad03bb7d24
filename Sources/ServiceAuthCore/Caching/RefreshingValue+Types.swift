public import Foundation

extension RefreshingValue {
    /// A fetched value with the two instants that govern its use.
    ///
    /// Before ``refreshAt`` the value is fresh; from ``refreshAt`` until ``expiresAt`` it is
    /// still handed out at once while a background fetch replaces it; from ``expiresAt`` on it
    /// is never handed out by ``RefreshingValue/value()``.
    public struct Entry: Sendable {
        /// The value.
        public var value: Value
        /// When a background refresh should start.
        public var refreshAt: Date
        /// When the value stops being usable.
        public var expiresAt: Date

        /// Creates an entry.
        ///
        /// - Parameters:
        ///   - value: The value.
        ///   - refreshAt: When a background refresh should start.
        ///   - expiresAt: When the value stops being usable (not before `refreshAt`, else
        ///     the value is never refreshed in the background).
        public init(value: Value, refreshAt: Date, expiresAt: Date) {
            self.value = value
            self.refreshAt = refreshAt
            self.expiresAt = expiresAt
        }
    }

    /// A value handed out by ``RefreshingValue/lookup()`` and how it was obtained (for metrics).
    public struct Lookup: Sendable {
        /// How a value was obtained.
        public enum Origin: Sendable, Hashable {
            /// From the cache, fresh or in its refresh window; no fetch was started.
            case cache
            /// From the cache, in its refresh window; this call started a background refresh.
            case cacheStartedRefresh
            /// The caller waited for a fetch.
            case fetch
        }

        /// The value.
        public var value: Value
        /// How it was obtained.
        public var origin: Origin
    }

    /// When automatic fetches may start.
    public struct Throttle: Sendable, Hashable {
        /// How long after a failed fetch no automatic fetch starts: callers without a usable
        /// value get the failure again, callers with one keep getting it.
        public var failureCooldown: Duration
        /// The least time between the starts of two fetches, successful or not (for sources
        /// whose freshness the remote side controls and may set to zero).
        public var minimumFetchInterval: Duration

        /// Creates a throttle.
        ///
        /// - Parameters:
        ///   - failureCooldown: How long a failure is remembered; 2 s by default.
        ///   - minimumFetchInterval: The least time between fetch starts; none by default.
        public init(failureCooldown: Duration = .seconds(2), minimumFetchInterval: Duration = .zero) {
            self.failureCooldown = failureCooldown
            self.minimumFetchInterval = minimumFetchInterval
        }
    }
}

/// Why a ``RefreshingValue`` handed out no value without fetching.
public enum RefreshingValueError: Error, Sendable, Hashable {
    /// The value is missing or expired and the ``RefreshingValue/Throttle/minimumFetchInterval``
    /// since the last fetch has not passed; no failure is remembered to report instead.
    case throttled
}
