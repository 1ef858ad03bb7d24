public import Foundation
import ServiceAuthCore

/// Long-term (or fixed temporary) credentials from a JSON file:
/// `[{"accessKeyId","secretAccessKey","principal","sessionToken"?}]`.
///
/// The file is read once, at creation. An entry with a `sessionToken` only matches requests
/// that send that exact token; an entry without one rejects requests that send a token.
public struct JSONFileCredentialStore: CredentialStore, CustomStringConvertible {
    /// One entry of the file.
    public struct Entry: Sendable, Hashable, Codable {
        /// The access key id.
        public var accessKeyId: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The principal ARN.
        public var principal: String
        /// The session token requests must send, for fixed temporary credentials.
        public var sessionToken: String?

        /// Creates an entry.
        ///
        /// - Parameters:
        ///   - accessKeyId: The access key id.
        ///   - secretAccessKey: The secret access key.
        ///   - principal: The principal ARN the key authenticates.
        ///   - sessionToken: The session token requests must send, if any.
        public init(accessKeyId: String, secretAccessKey: String, principal: String, sessionToken: String? = nil) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.principal = principal
            self.sessionToken = sessionToken
        }
    }

    /// Errors reading the file.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong (never a secret).
        public var reason: String
        /// A readable description.
        public var description: String { reason }
    }

    private let entries: [String: Entry]

    /// Creates a store from entries.
    ///
    /// - Parameter entries: The credentials; a later entry with the same access key id wins.
    public init(entries: [Entry]) {
        var map: [String: Entry] = [:]
        for entry in entries { map[entry.accessKeyId] = entry }
        self.entries = map
    }

    /// Creates a store from the file's JSON text.
    ///
    /// - Parameter data: The JSON array.
    /// - Throws: ``LoadError`` when it is not an array of entries.
    public init(data: Data) throws {
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: data)
        } catch {
            throw LoadError(
                reason:
                    "credentials file must be a JSON array of {\"accessKeyId\",\"secretAccessKey\",\"principal\",\"sessionToken\"?}"
            )
        }
        guard entries.allSatisfy({ !$0.accessKeyId.isEmpty && !$0.secretAccessKey.isEmpty && !$0.principal.isEmpty })
        else { throw LoadError(reason: "credentials file has an entry with an empty field") }
        self.init(entries: entries)
    }

    /// Reads a credentials file.
    ///
    /// - Parameter path: The file's path.
    /// - Throws: ``LoadError`` when the file cannot be read or parsed.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(reason: "cannot read credentials file \(path)")
        }
        try self.init(data: data)
    }

    /// The number of access keys.
    public var count: Int { entries.count }

    /// Looks up an access key.
    ///
    /// - Parameters:
    ///   - accessKeyId: The access key id.
    ///   - sessionToken: The request's session token.
    /// - Returns: The credential, or `nil` for an unknown key.
    /// - Throws: ``SigV4Error`` `InvalidClientTokenId` when the session token does not match.
    public func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
        guard let entry = entries[accessKeyId] else { return nil }
        switch (entry.sessionToken, sessionToken) {
        case (nil, nil): break
        case (let expected?, let given?) where SecretComparison.equal(expected, given): break
        default: throw SigV4Error.invalidClientTokenId("the security token included in the request is invalid")
        }
        return StoredCredential(secretAccessKey: entry.secretAccessKey, principal: entry.principal)
    }

    /// A description without secrets.
    public var description: String { "JSONFileCredentialStore(\(entries.count) access keys)" }

}
