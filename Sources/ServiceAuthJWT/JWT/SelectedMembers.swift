import Foundation
import ServiceAuthCore

/// Names a fixed set of object members that a caller reads (see ``SelectedMembers``).
protocol SelectedMemberName: RawRepresentable<Int>, CaseIterable {
    /// The member name as it appears in the JSON text.
    var key: String { get }
    /// Every case's `key`, in `rawValue` order (cases are numbered 0, 1, 2, …), ready to match.
    static var wantedNames: WantedMemberNames { get }
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
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> SelectedMembers? {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        if let fast = parser.parseSelectedMembers(Name.wantedNames) { return SelectedMembers(values: fast) }
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

    static let wantedNames = WantedMemberNames(allCases.map(\.key))
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

    static let wantedNames = WantedMemberNames(allCases.map(\.key))
}

/// The member names a ``SelectedMembers`` reads, matched against each member name of the text.
///
/// Each name's length and first seven bytes are packed into one word, so a member name is
/// compared with every wanted name by integer comparisons (no array element retained per
/// comparison); only names longer than seven bytes are then compared in full.
struct WantedMemberNames: Sendable {
    private let probes: [UInt64]
    private let utf8: [[UInt8]]

    /// The number of names.
    var count: Int { probes.count }

    /// - Parameter names: The names, in position order; each shorter than 255 bytes.
    init(_ names: [String]) {
        utf8 = names.map { Array($0.utf8) }
        probes = utf8.map { name in
            precondition(name.count < 255, "member names this long are not supported")
            return name.withUnsafeBufferPointer(Self.probe)
        }
    }

    /// The position of the wanted name with exactly the bytes `key`, if any.
    func position(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        let probe = Self.probe(key)
        return probes.withUnsafeBufferPointer { probes -> Int? in
            for position in probes.indices where probes[position] == probe {
                // Same length and first seven bytes: the whole name, unless it is longer.
                if key.count <= 7 || utf8[position].withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
                    return position
                }
            }
            return nil
        }
    }

    /// Length (capped at 255, which no wanted name has) in the top byte, then the first seven
    /// bytes (zero where the name is shorter).
    private static func probe(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var probe = UInt64(min(bytes.count, 255)) << 56
        for offset in 0..<min(bytes.count, 7) { probe |= UInt64(bytes[offset]) << (8 * UInt64(6 - offset)) }
        return probe
    }
}
