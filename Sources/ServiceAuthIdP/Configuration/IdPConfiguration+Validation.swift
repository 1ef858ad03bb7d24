extension IdPConfiguration {
    /// Checks every rule the issuer relies on, so that it never starts half-configured.
    ///
    /// Rules: a region like `us-east-1`; `userPoolId` = `{region}_{letters/digits}`; a 12-digit
    /// account id; unique, well-formed client ids, resource-server identifiers, scope names,
    /// usernames, access key ids (`AKIA…`) and role ARNs; every scope a client or user names is
    /// defined by a resource server, except that a client may list Cognito's built-in scopes
    /// (``builtInScopes``) without one, as in Cognito; lifetimes and session durations within Cognito's and
    /// IAM's bounds; an `issuer` override that is an http(s) URL.
    ///
    /// - Throws: ``IdPConfigurationError`` naming the first bad key.
    public func validate() throws(IdPConfigurationError) {
        func fail(_ key: String, _ message: String) -> IdPConfigurationError {
            IdPConfigurationError(key: key, message: message)
        }

        guard Self.isRegion(region) else { throw fail("region", "must look like \"us-east-1\"") }
        let poolSuffix = userPoolId.hasPrefix(region + "_") ? userPoolId.dropFirst(region.count + 1) : ""
        guard !poolSuffix.isEmpty, poolSuffix.count <= 40, poolSuffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw fail("userPoolId", "must be \"\(region)_\" followed by letters or digits")
        }
        guard accountId.count == 12, accountId.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw fail("accountId", "must be 12 digits")
        }

        var definedScopes: Set<String> = []
        var identifiers: Set<String> = []
        for (index, server) in resourceServers.enumerated() {
            let key = "resourceServers[\(index)]"
            guard Self.isToken(server.identifier, allowing: "-_.:/") else {
                throw fail("\(key).identifier", "must be non-empty printable ASCII without spaces")
            }
            guard identifiers.insert(server.identifier).inserted else {
                throw fail("\(key).identifier", "\"\(server.identifier)\" is defined twice")
            }
            for (scopeIndex, scope) in server.scopes.enumerated() {
                guard Self.isToken(scope, allowing: "-_.:") else {
                    throw fail("\(key).scopes[\(scopeIndex)]", "must be non-empty printable ASCII without spaces or \"/\"")
                }
                guard definedScopes.insert("\(server.identifier)/\(scope)").inserted else {
                    throw fail("\(key).scopes[\(scopeIndex)]", "\"\(scope)\" is defined twice")
                }
            }
        }

        func checkScopes(_ scopes: [String], key: String, allowingBuiltIn: Bool = false) throws(IdPConfigurationError) {
            for (index, scope) in scopes.enumerated() where !definedScopes.contains(scope) && !(allowingBuiltIn && Self.builtInScopes.contains(scope)) {
                throw fail("\(key)[\(index)]", "scope \"\(Self.printable(scope))\" is not defined by any resource server")
            }
        }

        var clientIds: Set<String> = []
        for (index, client) in clients.enumerated() {
            let key = "clients[\(index)]"
            guard Self.isToken(client.clientId, allowing: "-_.+"), client.clientId.count <= 128 else {
                throw fail("\(key).clientId", "must be 1–128 letters, digits or \"-_.+\"")
            }
            guard clientIds.insert(client.clientId).inserted else {
                throw fail("\(key).clientId", "\"\(client.clientId)\" is defined twice")
            }
            if let secret = client.clientSecret, secret.isEmpty || secret.contains(where: \.isNewline) {
                throw fail("\(key).clientSecret", "must be non-empty (or null for a public client)")
            }
            try Self.checkTLSClientAuth(client, key: key)
            try checkScopes(client.allowedScopes, key: "\(key).allowedScopes", allowingBuiltIn: true)
            if let lifetime = client.accessTokenLifetimeSeconds, !(60...86400).contains(lifetime) {
                throw fail("\(key).accessTokenLifetimeSeconds", "must be between 60 and 86400")
            }
            if let lifetime = client.refreshTokenLifetimeSeconds, !(60...315_360_000).contains(lifetime) {
                throw fail("\(key).refreshTokenLifetimeSeconds", "must be between 60 and 315360000")
            }
        }

        var usernames: Set<String> = []
        for (index, user) in users.enumerated() {
            let key = "users[\(index)]"
            guard !user.username.isEmpty, user.username.count <= 128, !user.username.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw fail("\(key).username", "must be 1–128 characters without whitespace")
            }
            guard usernames.insert(user.username).inserted else {
                throw fail("\(key).username", "\"\(user.username)\" is defined twice")
            }
            guard !user.password.isEmpty else { throw fail("\(key).password", "must not be empty") }
            for (groupIndex, group) in user.groups.enumerated() where group.isEmpty {
                throw fail("\(key).groups[\(groupIndex)]", "must not be empty")
            }
            for name in user.attributes.keys.sorted() where name.isEmpty || Self.reservedClaims.contains(name) {
                throw fail("\(key).attributes.\(name)", "is not an attribute name the issuer may set")
            }
            try checkScopes(user.scopes ?? [], key: "\(key).scopes")
            if let sub = user.sub, sub.isEmpty { throw fail("\(key).sub", "must not be empty") }
        }

        var accessKeyIds: Set<String> = []
        for (index, iamUser) in iamUsers.enumerated() {
            let key = "iamUsers[\(index)]"
            guard iamUser.accessKeyId.hasPrefix("AKIA"), (16...128).contains(iamUser.accessKeyId.count),
                iamUser.accessKeyId.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) })
            else { throw fail("\(key).accessKeyId", "must be \"AKIA\" followed by upper-case letters or digits (16–128 characters)") }
            guard accessKeyIds.insert(iamUser.accessKeyId).inserted else {
                throw fail("\(key).accessKeyId", "\"\(iamUser.accessKeyId)\" is defined twice")
            }
            guard iamUser.secretAccessKey.count >= 8 else { throw fail("\(key).secretAccessKey", "must be at least 8 characters") }
            guard Self.isARN(iamUser.arn, service: "iam", resourcePrefix: "user/") else {
                throw fail("\(key).arn", "must look like \"arn:aws:iam::123456789012:user/NAME\"")
            }
        }

        var roleArns: Set<String> = []
        for (index, role) in roles.enumerated() {
            let key = "roles[\(index)]"
            guard Self.isARN(role.arn, service: "iam", resourcePrefix: "role/") else {
                throw fail("\(key).arn", "must look like \"arn:aws:iam::123456789012:role/NAME\"")
            }
            guard roleArns.insert(role.arn).inserted else { throw fail("\(key).arn", "\"\(role.arn)\" is defined twice") }
            for (principalIndex, principal) in role.trustedPrincipals.enumerated() where !principal.hasPrefix("arn:") {
                throw fail("\(key).trustedPrincipals[\(principalIndex)]", "must be an ARN")
            }
            if let duration = role.maxSessionDurationSeconds, !(900...43200).contains(duration) {
                throw fail("\(key).maxSessionDurationSeconds", "must be between 900 and 43200")
            }
        }

        if let issuer {
            guard issuer.hasPrefix("https://") || issuer.hasPrefix("http://"), !issuer.hasSuffix("/"),
                !issuer.contains(where: { $0.isWhitespace })
            else { throw fail("issuer", "must be an http(s) URL without a trailing slash") }
        }
    }

    /// RFC 8705 `tls_client_auth` settings: an absolute URI without spaces (at most 2048
    /// characters), a non-empty one-line subject DN, and no client secret beside them (one
    /// authentication method per client, RFC 8705 §2.1).
    static func checkTLSClientAuth(_ client: Client, key: String) throws(IdPConfigurationError) {
        if let uri = client.tlsClientAuthSanURI {
            let scheme = uri.prefix { $0 != ":" }
            guard !scheme.isEmpty, scheme.count < uri.count - 1, uri.count <= 2048,
                scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
                uri.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
            else { throw IdPConfigurationError(key: "\(key).tlsClientAuthSanURI", message: "must be an absolute URI such as \"spiffe://demo.local/ns/demo/sa/orders\"") }
        }
        if let subject = client.tlsClientAuthSubjectDN, subject.isEmpty || subject.count > 1024 || subject.contains(where: \.isNewline) {
            throw IdPConfigurationError(key: "\(key).tlsClientAuthSubjectDN", message: "must be a non-empty distinguished name such as \"CN=orders,O=demo.local\"")
        }
        if client.usesTLSClientAuth, client.clientSecret != nil {
            throw IdPConfigurationError(key: "\(key).clientSecret", message: "must be null for a tls_client_auth client (one authentication method per client)")
        }
    }

    /// Cognito's built-in scopes: an app client may allow them without any resource server.
    /// They are OpenID Connect and user-pool scopes, never granted by `client_credentials`.
    public static let builtInScopes: Set<String> = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"]

    /// Claims the issuer owns; an attribute must not overwrite them. `cnf` included: an
    /// attribute must not bind a user's tokens to a certificate (or make them unverifiable).
    static let reservedClaims: Set<String> = [
        "sub", "iss", "aud", "exp", "iat", "nbf", "jti", "auth_time", "token_use", "scope", "client_id",
        "username", "cognito:username", "cognito:groups", "origin_jti", "event_id", "version", "cnf",
    ]

    static func isRegion(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
    }

    static func isToken(_ value: String, allowing extra: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) && scalar.isASCII || extra.unicodeScalars.contains(scalar)
        }
    }

    /// `arn:aws:SERVICE::ACCOUNT:RESOURCE…` with a 12-digit account and a named resource.
    static func isARN(_ value: String, service: String, resourcePrefix: String) -> Bool {
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == service, parts[3].isEmpty,
            parts[4].count == 12, parts[4].allSatisfy({ $0.isASCII && $0.isNumber }),
            parts[5].hasPrefix(resourcePrefix), parts[5].count > resourcePrefix.count,
            !value.contains(where: { $0.isWhitespace })
        else { return false }
        return true
    }

    /// A value safe to echo in a message: at most 64 printable ASCII characters.
    static func printable(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?" }))
    }
}
