import Foundation

/// Rejects keys the configuration schema does not define.
///
/// `JSONDecoder` ignores unknown keys, so a misspelt `"allowedScope"` would silently leave a
/// client with no scopes. This walks the document once before decoding and names the first
/// key it does not know.
enum StrictKeys {
    private static let topLevel: Set<String> = [
        "region", "userPoolId", "accountId", "clients", "resourceServers", "users", "iamUsers", "roles", "issuer",
    ]
    private static let nested: [String: Set<String>] = [
        "clients": [
            "clientId", "clientSecret", "allowedScopes", "accessTokenLifetimeSeconds", "refreshTokenLifetimeSeconds",
            "tlsClientAuthSanURI", "tlsClientAuthSubjectDN",
        ],
        "resourceServers": ["identifier", "scopes"],
        "users": ["username", "password", "groups", "attributes", "scopes", "sub"],
        "iamUsers": ["accessKeyId", "secretAccessKey", "arn"],
        "roles": ["arn", "trustedPrincipals", "maxSessionDurationSeconds"],
    ]

    static func check(_ data: Data) throws(IdPConfigurationError) {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw IdPConfigurationError(key: "", message: "the configuration is not valid JSON")
        }
        guard let object = document as? [String: Any] else {
            throw IdPConfigurationError(key: "", message: "the configuration must be a JSON object")
        }
        for key in object.keys.sorted() where !topLevel.contains(key) {
            throw IdPConfigurationError(key: key, message: "is not a known configuration key")
        }
        for (section, allowed) in nested.sorted(by: { $0.key < $1.key }) {
            guard let items = object[section] as? [Any] else { continue }
            for (index, item) in items.enumerated() {
                guard let entry = item as? [String: Any] else { continue }
                for key in entry.keys.sorted() where !allowed.contains(key) {
                    throw IdPConfigurationError(key: "\(section)[\(index)].\(key)", message: "is not a known configuration key")
                }
            }
        }
    }
}
