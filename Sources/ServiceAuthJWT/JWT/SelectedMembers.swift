import ServiceAuthCore

/// Names a fixed set of object members that a caller reads (see ``SelectedMembers``).
protocol SelectedMemberName: RawRepresentable<Int>, CaseIterable {
    /// The member name as it appears in the JSON text.
    var key: String { get }
    /// Every case's `key` as UTF-8, in `rawValue` order (cases are numbered 0, 1, 2, …).
    static var utf8Keys: [[UInt8]] { get }
}

/// The few members of a strictly validated JSON object that the verifier reads.
///
/// Why not `[String: JSONValue]`: decoding every member of a header and a claim set into
/// dictionaries was most of the JOSE layer's cost per token. The whole text is still
/// validated as strict JSON (``JSONParser/parseSelectedMembers(_:)`` with a full-parser
/// fallback), only the unread members are not materialised.
struct SelectedMembers<Name: SelectedMemberName> {
    private let values: [JSONValue?]

    /// The member `name`, if present.
    subscript(name: Name) -> JSONValue? { values[name.rawValue] }

    private init(values: [JSONValue?]) { self.values = values }

    /// Validates `bytes` as one strict JSON object and keeps the selected members.
    ///
    /// - Returns: `nil` unless `bytes` is a valid JSON object (per ``JSONValue/parse(_:maxDepth:)``)
    ///   nested at most `maxDepth` deep.
    static func decode(_ bytes: [UInt8], maxDepth: Int) -> SelectedMembers? {
        let fast = bytes.withUnsafeBufferPointer { buffer -> [JSONValue?]? in
            var parser = JSONParser(buffer, maxDepth: maxDepth)
            return parser.parseSelectedMembers(Name.utf8Keys)
        }
        if let fast { return SelectedMembers(values: fast) }
        // Unusual member names, or invalid JSON: the full parser decides.
        guard case .object(let object)? = try? JSONValue.parse(bytes, maxDepth: maxDepth) else { return nil }
        return SelectedMembers(values: Name.allCases.map { object[$0.key] })
    }
}

/// The JOSE header parameters the verifier reads.
enum HeaderParameter: Int, SelectedMemberName {
    case alg, kid, typ, crit

    var key: String {
        switch self {
        case .alg: "alg"
        case .kid: "kid"
        case .typ: "typ"
        case .crit: "crit"
        }
    }

    static let utf8Keys = allCases.map { Array($0.key.utf8) }
}

/// The claims the verifier's rules and the token's identity read.
enum ClaimName: Int, SelectedMemberName {
    case iss, exp, nbf, iat, tokenUse, aud, clientId, scope, scp, groups, sub, username, cognitoUsername, cnf

    var key: String {
        switch self {
        case .iss: "iss"
        case .exp: "exp"
        case .nbf: "nbf"
        case .iat: "iat"
        case .tokenUse: "token_use"
        case .aud: "aud"
        case .clientId: "client_id"
        case .scope: "scope"
        case .scp: "scp"
        case .groups: "cognito:groups"
        case .sub: "sub"
        case .username: "username"
        case .cognitoUsername: "cognito:username"
        case .cnf: "cnf"
        }
    }

    static let utf8Keys = allCases.map { Array($0.key.utf8) }
}
