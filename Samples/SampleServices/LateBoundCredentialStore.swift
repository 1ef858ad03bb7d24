import ServiceAuth
import Synchronization

/// A credential store filled in once the service is starting up (e.g. the local issuer's
/// session key fetched from its URL); until then it knows no key, so requests are refused
/// with `InvalidClientTokenId` rather than accepted.
final class LateBoundCredentialStore: CredentialStore {
    private let store = Mutex<(any CredentialStore)?>(nil)

    func bind(_ store: any CredentialStore) { self.store.withLock { $0 = store } }

    var isBound: Bool { store.withLock { $0 != nil } }

    func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
        guard let store = store.withLock({ $0 }) else { return nil }
        return try await store.credential(forAccessKeyId: accessKeyId, sessionToken: sessionToken)
    }
}
