import ServiceAuthCore

/// Several credential stores consulted in order; the first that knows the key answers.
///
/// If a store throws (e.g. the issuer store for a session token it cannot open) the next
/// store is still asked; the first error is reported only when no store knows the key.
public struct CompositeCredentialStore: CredentialStore {
    /// The stores, in the order they are asked.
    public var stores: [any CredentialStore]

    /// Creates a composite store.
    ///
    /// - Parameter stores: The stores, asked in order.
    public init(_ stores: [any CredentialStore]) { self.stores = stores }

    /// Asks each store in turn.
    ///
    /// - Parameters:
    ///   - accessKeyId: The access key id.
    ///   - sessionToken: The request's session token.
    /// - Returns: The first credential found, or `nil`.
    /// - Throws: The first store error, when no store found the key.
    public func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
        var firstError: (any Error)?
        for store in stores {
            do {
                if let credential = try await store.credential(forAccessKeyId: accessKeyId, sessionToken: sessionToken) {
                    return credential
                }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return nil
    }
}
