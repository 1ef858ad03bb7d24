import ServiceAuthCore

extension IssuerSessionCredentialStore {
    /// The lifetime rules a sealed session must meet besides its seal. The defaults are STS's
    /// own bounds.
    public struct Configuration: Sendable {
        /// The longest session accepted, `expiration - issuedAt`. Default 12 h, the most STS
        /// grants (`DurationSeconds` ≤ 43200).
        public var maxSessionDuration: Duration
        /// How far in the future `issuedAt` may lie (clocks differ between hosts). Default 5 min.
        public var maxClockSkew: Duration
        /// The longest session the role behind a sealed principal
        /// (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) allows, or `nil` for a principal
        /// whose role is unknown (refused). When the whole closure is `nil` (the default, for
        /// services that do not know the issuer's roles) only ``maxSessionDuration`` applies.
        public var roleMaxSessionDuration: (@Sendable (String) -> Duration?)?

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - maxSessionDuration: The longest session accepted (default 12 h).
        ///   - maxClockSkew: The tolerance for `issuedAt` in the future (default 5 min).
        ///   - roleMaxSessionDuration: Each role's own maximum, when known.
        public init(
            maxSessionDuration: Duration = .seconds(43_200),
            maxClockSkew: Duration = .seconds(300),
            roleMaxSessionDuration: (@Sendable (String) -> Duration?)? = nil
        ) {
            self.maxSessionDuration = maxSessionDuration
            self.maxClockSkew = maxClockSkew
            self.roleMaxSessionDuration = roleMaxSessionDuration
        }
    }
}
