public import Foundation

/// The local issuer's configuration: one user pool, its app clients, resource servers and
/// users, and the IAM users and roles its STS knows.
///
/// The JSON form is the schema of `CONTRACT.md` (`serviceauth idp --config FILE`), plus a few
/// optional extension fields documented on each property. Load a file with
/// ``load(contentsOf:)`` or bytes with ``decode(_:)``: both reject unknown keys and call
/// ``validate()``, so a typo fails at start with an ``IdPConfigurationError`` naming the key
/// (e.g. `clients[1].allowedScopes[0]`) instead of silently issuing the wrong tokens.
/// ``demo`` is the built-in configuration used by `serviceauth demo`.
public struct IdPConfiguration: Codable, Sendable, Hashable {
    /// The AWS region (e.g. `us-east-1`); STS requests must be SigV4-signed for it.
    public var region: String
    /// The user pool id, `REGION_ID` (e.g. `us-east-1_LOCAL`); part of every Cognito path.
    public var userPoolId: String
    /// The 12-digit AWS account id used in ARNs.
    public var accountId: String
    /// The app clients.
    public var clients: [Client]
    /// The resource servers, which define the custom scopes `IDENTIFIER/SCOPE`.
    public var resourceServers: [ResourceServer]
    /// The user pool's users.
    public var users: [User]
    /// IAM users with long-term access keys, who may call STS.
    public var iamUsers: [IAMUser]
    /// Roles that STS `AssumeRole` can hand out.
    public var roles: [Role]
    /// An override of the tokens' `iss` claim, e.g. the real
    /// `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LOCAL` form. Without it `iss` is
    /// `{issuer base URL}/{userPoolId}`.
    public var issuer: String?

    /// Creates a configuration.
    public init(
        region: String,
        userPoolId: String,
        accountId: String,
        clients: [Client] = [],
        resourceServers: [ResourceServer] = [],
        users: [User] = [],
        iamUsers: [IAMUser] = [],
        roles: [Role] = [],
        issuer: String? = nil
    ) {
        self.region = region
        self.userPoolId = userPoolId
        self.accountId = accountId
        self.clients = clients
        self.resourceServers = resourceServers
        self.users = users
        self.iamUsers = iamUsers
        self.roles = roles
        self.issuer = issuer
    }

    /// An app client of the user pool.
    public struct Client: Codable, Sendable, Hashable {
        /// The client id (`client_id` of its tokens).
        public var clientId: String
        /// The client secret; `nil` for a public client, which cannot use the
        /// `client_credentials` grant and sends no `SECRET_HASH` — unless it authenticates with
        /// its client certificate (``tlsClientAuthSanURI``, ``tlsClientAuthSubjectDN``).
        public var clientSecret: String?
        /// The custom scopes (`IDENTIFIER/SCOPE`) the client may request with
        /// `client_credentials`; they also bound the scopes of user tokens issued to it.
        public var allowedScopes: [String]
        /// Lifetime of access tokens (and id tokens) issued to the client; default 3600.
        public var accessTokenLifetimeSeconds: Int?
        /// Extension: lifetime of refresh tokens issued to the client; default 30 days.
        public var refreshTokenLifetimeSeconds: Int?
        /// RFC 8705 §2.1 `tls_client_auth`: the URI SAN (e.g. a SPIFFE ID) the client's
        /// certificate must carry. A client with it (or ``tlsClientAuthSubjectDN``) has no
        /// secret and authenticates to `/oauth2/token` by `client_id` and the certificate of
        /// its mutual-TLS connection.
        public var tlsClientAuthSanURI: String?
        /// RFC 8705 §2.1 `tls_client_auth`: the subject distinguished name, in RFC 4514 form as
        /// the certificate writes it (e.g. `CN=orders,O=demo.local`), the client's certificate
        /// must have. With ``tlsClientAuthSanURI`` too, both must match.
        public var tlsClientAuthSubjectDN: String?

        /// Creates a client.
        public init(
            clientId: String,
            clientSecret: String? = nil,
            allowedScopes: [String] = [],
            accessTokenLifetimeSeconds: Int? = nil,
            refreshTokenLifetimeSeconds: Int? = nil,
            tlsClientAuthSanURI: String? = nil,
            tlsClientAuthSubjectDN: String? = nil
        ) {
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.allowedScopes = allowedScopes
            self.accessTokenLifetimeSeconds = accessTokenLifetimeSeconds
            self.refreshTokenLifetimeSeconds = refreshTokenLifetimeSeconds
            self.tlsClientAuthSanURI = tlsClientAuthSanURI
            self.tlsClientAuthSubjectDN = tlsClientAuthSubjectDN
        }

        /// Whether the client authenticates with its certificate (RFC 8705 `tls_client_auth`).
        public var usesTLSClientAuth: Bool { tlsClientAuthSanURI != nil || tlsClientAuthSubjectDN != nil }

        /// The access and id token lifetime in effect.
        public var effectiveAccessTokenLifetime: Int { accessTokenLifetimeSeconds ?? 3600 }
        /// The refresh token lifetime in effect.
        public var effectiveRefreshTokenLifetime: Int { refreshTokenLifetimeSeconds ?? 30 * 86400 }
    }

    /// A resource server: a namespace of custom scopes.
    public struct ResourceServer: Codable, Sendable, Hashable {
        /// The identifier, the part before `/` in a scope (e.g. `orders`).
        public var identifier: String
        /// The scope names, the part after `/` (e.g. `read`).
        public var scopes: [String]

        /// Creates a resource server.
        public init(identifier: String, scopes: [String]) {
            self.identifier = identifier
            self.scopes = scopes
        }
    }

    /// A user of the user pool.
    public struct User: Codable, Sendable, Hashable {
        /// The user name (`username` / `cognito:username`).
        public var username: String
        /// The password checked by `USER_PASSWORD_AUTH`.
        public var password: String
        /// The groups (`cognito:groups`).
        public var groups: [String]
        /// Attributes copied into id tokens (e.g. `email`); `email_verified` and
        /// `phone_number_verified` become booleans, as Cognito writes them.
        public var attributes: [String: String]
        /// Extension: custom scopes the user's access tokens carry besides Cognito's
        /// `aws.cognito.signin.user.admin`, limited to the app client's `allowedScopes`.
        /// Real Cognito grants custom scopes to users only through the hosted UI; this lets the
        /// samples authorise users by scope with `USER_PASSWORD_AUTH`.
        public var scopes: [String]?
        /// Extension: a fixed `sub`; by default a UUID derived from the pool id and username.
        public var sub: String?

        /// Creates a user.
        public init(
            username: String,
            password: String,
            groups: [String] = [],
            attributes: [String: String] = [:],
            scopes: [String]? = nil,
            sub: String? = nil
        ) {
            self.username = username
            self.password = password
            self.groups = groups
            self.attributes = attributes
            self.scopes = scopes
            self.sub = sub
        }
    }

    /// An IAM user with a long-term access key.
    public struct IAMUser: Codable, Sendable, Hashable {
        /// The access key id (`AKIA…`).
        public var accessKeyId: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The user's ARN, `arn:aws:iam::ACCOUNT:user/NAME`.
        public var arn: String

        /// Creates an IAM user.
        public init(accessKeyId: String, secretAccessKey: String, arn: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.arn = arn
        }
    }

    /// A role that `AssumeRole` hands out.
    public struct Role: Codable, Sendable, Hashable {
        /// The role's ARN, `arn:aws:iam::ACCOUNT:role/NAME`.
        public var arn: String
        /// The ARNs allowed to assume the role (the trust policy): IAM users, roles (for role
        /// chaining) or assumed-role session ARNs.
        public var trustedPrincipals: [String]
        /// The longest session `DurationSeconds` may ask for (900…43200); default 3600.
        public var maxSessionDurationSeconds: Int?

        /// Creates a role.
        public init(arn: String, trustedPrincipals: [String], maxSessionDurationSeconds: Int? = nil) {
            self.arn = arn
            self.trustedPrincipals = trustedPrincipals
            self.maxSessionDurationSeconds = maxSessionDurationSeconds
        }

        /// The maximum session duration in effect.
        public var effectiveMaxSessionDuration: Int { maxSessionDurationSeconds ?? 3600 }

        /// The role's name, the part after `role/` (path included).
        public var name: String {
            guard let range = arn.range(of: ":role/") else { return arn }
            return String(arn[range.upperBound...].split(separator: "/").last ?? "")
        }
    }
}

extension IdPConfiguration {
    /// Decodes a configuration from JSON, rejecting unknown keys, and validates it.
    ///
    /// - Parameter data: The JSON document.
    /// - Returns: The valid configuration.
    /// - Throws: ``IdPConfigurationError`` naming the offending key.
    public static func decode(_ data: Data) throws(IdPConfigurationError) -> IdPConfiguration {
        try StrictKeys.check(data)
        let configuration: IdPConfiguration
        do {
            configuration = try JSONDecoder().decode(IdPConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw IdPConfigurationError(decodingError: error)
        } catch {
            throw IdPConfigurationError(key: "", message: "not a valid JSON configuration")
        }
        try configuration.validate()
        return configuration
    }

    /// Reads, decodes and validates a configuration file.
    ///
    /// - Parameter url: The file.
    /// - Returns: The valid configuration.
    /// - Throws: ``IdPConfigurationError`` for an unreadable file or a bad key.
    public static func load(contentsOf url: URL) throws(IdPConfigurationError) -> IdPConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw IdPConfigurationError(key: "", message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard data.count <= 4 * 1024 * 1024 else {
            throw IdPConfigurationError(key: "", message: "configuration file larger than 4 MiB")
        }
        return try decode(data)
    }
}

// Decoding: only the identity fields are required, so small configurations stay small;
// absent lists are empty. Kept in this file because the synthesised `CodingKeys` are.
extension IdPConfiguration {
    /// Decodes a configuration; absent lists are empty. Use ``decode(_:)`` to also reject
    /// unknown keys and validate.
    ///
    /// - Throws: `DecodingError` for a missing required key or a wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            region: try container.decode(String.self, forKey: .region),
            userPoolId: try container.decode(String.self, forKey: .userPoolId),
            accountId: try container.decode(String.self, forKey: .accountId),
            clients: try container.decodeIfPresent([Client].self, forKey: .clients) ?? [],
            resourceServers: try container.decodeIfPresent([ResourceServer].self, forKey: .resourceServers) ?? [],
            users: try container.decodeIfPresent([User].self, forKey: .users) ?? [],
            iamUsers: try container.decodeIfPresent([IAMUser].self, forKey: .iamUsers) ?? [],
            roles: try container.decodeIfPresent([Role].self, forKey: .roles) ?? [],
            issuer: try container.decodeIfPresent(String.self, forKey: .issuer)
        )
    }
}

extension IdPConfiguration.Client {
    /// Decodes a client; `allowedScopes` may be absent (no scopes).
    ///
    /// - Throws: `DecodingError` for a missing `clientId` or a wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            clientId: try container.decode(String.self, forKey: .clientId),
            clientSecret: try container.decodeIfPresent(String.self, forKey: .clientSecret),
            allowedScopes: try container.decodeIfPresent([String].self, forKey: .allowedScopes) ?? [],
            accessTokenLifetimeSeconds: try container.decodeIfPresent(Int.self, forKey: .accessTokenLifetimeSeconds),
            refreshTokenLifetimeSeconds: try container.decodeIfPresent(Int.self, forKey: .refreshTokenLifetimeSeconds),
            tlsClientAuthSanURI: try container.decodeIfPresent(String.self, forKey: .tlsClientAuthSanURI),
            tlsClientAuthSubjectDN: try container.decodeIfPresent(String.self, forKey: .tlsClientAuthSubjectDN)
        )
    }
}

extension IdPConfiguration.User {
    /// Decodes a user; `groups` and `attributes` may be absent.
    ///
    /// - Throws: `DecodingError` for a missing `username`/`password` or a wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            username: try container.decode(String.self, forKey: .username),
            password: try container.decode(String.self, forKey: .password),
            groups: try container.decodeIfPresent([String].self, forKey: .groups) ?? [],
            attributes: try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:],
            scopes: try container.decodeIfPresent([String].self, forKey: .scopes),
            sub: try container.decodeIfPresent(String.self, forKey: .sub)
        )
    }
}
