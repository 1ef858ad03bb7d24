// The configuration holds passwords and secrets: printing, dumping or logging a value must
// never show them, so the types that carry one describe and mirror themselves without it.

extension IdPConfiguration.Client: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The client without its secret (the certificate names it expects are not secrets).
    public var description: String {
        var text = "Client(clientId: \(clientId), clientSecret: \(clientSecret == nil ? "nil" : "<redacted>"), allowedScopes: \(allowedScopes)"
        if let tlsClientAuthSanURI { text += ", tlsClientAuthSanURI: \(tlsClientAuthSanURI)" }
        if let tlsClientAuthSubjectDN { text += ", tlsClientAuthSubjectDN: \(tlsClientAuthSubjectDN)" }
        return text + ")"
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without the secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "clientId": clientId, "allowedScopes": allowedScopes,
                "tlsClientAuthSanURI": tlsClientAuthSanURI as Any, "tlsClientAuthSubjectDN": tlsClientAuthSubjectDN as Any,
            ],
            displayStyle: .struct)
    }
}

extension IdPConfiguration.User: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The user without the password.
    public var description: String { "User(username: \(username), password: <redacted>, groups: \(groups))" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without the password.
    public var customMirror: Mirror {
        Mirror(self, children: ["username": username, "groups": groups], displayStyle: .struct)
    }
}

extension IdPConfiguration.IAMUser: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The IAM user without the secret access key.
    public var description: String { "IAMUser(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, arn: \(arn))" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without the secret access key.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": accessKeyId, "arn": arn], displayStyle: .struct)
    }
}
