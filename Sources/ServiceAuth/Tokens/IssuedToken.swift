import Foundation

/// A token the endpoint issued, with the instants the provider's cache rules need.
struct IssuedToken: Sendable {
    /// The access token. A credential: never log it.
    let value: String
    /// When the token stops being handed out (its expiry minus the policy's margin).
    let usableUntil: Date
    /// When a background refresh should start.
    let refreshAt: Date

    /// Derives the instants from `expires_in` and the moment the response arrived.
    ///
    /// Measuring from the *arrival* (not from when the request was sent) errs on the late
    /// side by the round trip; ``ClientCredentialsTokenProvider/RefreshPolicy/expiryMargin``
    /// absorbs that and the clock skew to the next hop.
    init(value: String, lifetime: Double, receivedAt: Date, policy: ClientCredentialsTokenProvider.RefreshPolicy) {
        self.value = value
        let expiresAt = receivedAt.addingTimeInterval(lifetime)
        let margin = Swift.min(policy.expiryMargin.timeInterval, lifetime / 2)
        usableUntil = expiresAt.addingTimeInterval(-margin)
        refreshAt = expiresAt.addingTimeInterval(-Swift.max(policy.refreshLead(forLifetime: lifetime), margin))
    }

    /// Whether the token may still be handed out at `now`.
    func isUsable(at now: Date) -> Bool { now < usableUntil }

    /// Whether a refresh is due at `now`.
    func needsRefresh(at now: Date) -> Bool { now >= refreshAt }
}
