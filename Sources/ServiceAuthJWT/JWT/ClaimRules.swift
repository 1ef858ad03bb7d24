import Foundation
import ServiceAuthCore

/// The claim checks of one verification, after the signature is known to be good.
struct ClaimRules {
    let configuration: JWTVerifier.Configuration
    let claims: SelectedMembers<ClaimName>
    /// The whole decoded payload, handed to the ``VerifiedToken`` for its lazy `claims`.
    let payload: [UInt8]
    /// Seconds since 1970.
    let now: Double
    let leeway: Double

    /// The latest numeric date accepted (9999-12-31T23:59:59Z): anything later is an attempt
    /// to overflow date arithmetic, not a real expiry.
    static let maxNumericDate = 253_402_300_799.0

    init(configuration: JWTVerifier.Configuration, claims: SelectedMembers<ClaimName>, payload: [UInt8], now: Date) {
        self.configuration = configuration
        self.claims = claims
        self.payload = payload
        self.now = now.timeIntervalSince1970
        self.leeway = max(0, configuration.leeway.timeInterval)
    }

    func verify(issuer: String, keyID: String?, algorithm: JWTAlgorithm, token: String) throws(JWTError) -> VerifiedToken {
        // RFC 8725 §3.10 spirit: a bearer token without an expiry lives forever. Require exp.
        guard let exp = try numericDate(.exp) else { throw .malformed("the token has no exp claim") }
        guard now < exp + leeway else { throw JWTError(.expired, "the token has expired") }
        if let nbf = try numericDate(.nbf), now + leeway < nbf {
            throw JWTError(.notYetValid, "the token is not valid yet")
        }
        let iat = try numericDate(.iat)
        if let iat, iat > now + leeway { throw JWTError(.notYetValid, "the token was issued in the future") }
        if let maxLifetime = configuration.maxLifetime {
            guard let iat else { throw .malformed("the token has no iat claim") }
            guard exp - iat <= maxLifetime.timeInterval else {
                throw JWTError(.expired, "the token's lifetime exceeds the allowed maximum")
            }
        }

        let tokenUse = try string(.tokenUse)
        if let expected = configuration.tokenUse, tokenUse != expected.rawValue {
            throw JWTError(.wrongTokenUse, "the token is not an \(expected.rawValue) token")
        }

        let audiences = try audienceList()
        let clientIdClaim = try string(.clientId)
        // Cognito: access tokens name the client in client_id, id tokens in aud.
        let clientId = clientIdClaim ?? (audiences.count == 1 ? audiences[0] : nil)
        // Fail closed: unless any audience was explicitly accepted, a token must match one of
        // the configured clients or audiences (an empty list matches nothing).
        if !configuration.audience.acceptsAny {
            // The client is client_id for access tokens, aud for id tokens, either otherwise.
            let clientIds = configuration.clientIds
            let clientIdOK = tokenUse != "id" && (clientIdClaim.map { clientIds.contains($0) } ?? false)
            let audienceAsClientOK = tokenUse != "access" && audiences.contains(where: clientIds.contains)
            let audienceOK = audiences.contains(where: configuration.audiences.contains)
            guard audienceOK || clientIdOK || audienceAsClientOK else {
                throw JWTError(.wrongAudience, "the token is not meant for this service")
            }
        }

        // What the scopes and groups allow is the route's AuthorizationPolicy; here they are
        // only read (and refused when malformed).
        let scopes = try scopeList()
        let groups = try stringArray(.groups)

        let boundThumbprint = try certificateThumbprint()
        let subject = try string(.sub)
        var username = try string(.username)
        if username == nil { username = try string(.cognitoUsername) }
        return VerifiedToken(
            subject: subject,
            username: username,
            clientId: clientId,
            scopes: scopes,
            groups: groups,
            issuer: issuer,
            expiresAt: Date(timeIntervalSince1970: exp),
            issuedAt: iat.map { Date(timeIntervalSince1970: $0) },
            tokenUse: tokenUse,
            keyID: keyID,
            algorithm: algorithm,
            payload: payload,
            token: token,
            boundCertificateThumbprint: boundThumbprint
        )
    }

    /// `cnf` (RFC 7800), as RFC 8705 §3.1 binds a token to a client certificate:
    /// `{"x5t#S256": "<base64url SHA-256 of the certificate's DER>"}`.
    ///
    /// Fails closed: a `cnf` that is not an object, an `x5t#S256` that is not a non-empty string,
    /// or any other confirmation method (`jkt` of DPoP, `jwk`, …) is `malformed` — a token bound
    /// in a way this verifier cannot check must not be taken as a plain bearer token.
    private func certificateThumbprint() throws(JWTError) -> String? {
        guard let value = claims[.cnf] else { return nil }
        guard case .object(let members) = value else { throw .malformed("the cnf claim is not an object") }
        guard case .string(let thumbprint)? = members["x5t#S256"], !thumbprint.isEmpty else {
            throw .malformed("the cnf claim has no x5t#S256 certificate thumbprint")
        }
        guard members.count == 1 else { throw .malformed("the cnf claim names a confirmation method this verifier does not support") }
        return thumbprint
    }

    /// A NumericDate claim (RFC 7519 §2): a JSON number of seconds, finite and in range.
    private func numericDate(_ name: ClaimName) throws(JWTError) -> Double? {
        guard let value = claims[name] else { return nil }
        guard case .number(let seconds) = value, seconds.isFinite, seconds >= 0, seconds <= Self.maxNumericDate else {
            throw .malformed("the \(name.key) claim is not a valid NumericDate")
        }
        return seconds
    }

    private func string(_ name: ClaimName) throws(JWTError) -> String? {
        guard let value = claims[name] else { return nil }
        guard case .string(let text) = value else { throw .malformed("the \(name.key) claim is not a string") }
        return text
    }

    private func stringArray(_ name: ClaimName) throws(JWTError) -> [String] {
        guard let value = claims[name] else { return [] }
        guard case .array(let elements) = value else { throw .malformed("the \(name.key) claim is not an array") }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else { throw .malformed("the \(name.key) claim holds a non-string") }
            result.append(text)
        }
        return result
    }

    /// `aud`: a string or an array of strings (RFC 7519 §4.1.3).
    private func audienceList() throws(JWTError) -> [String] {
        guard let value = claims[.aud] else { return [] }
        if case .string(let text) = value { return [text] }
        return try stringArray(.aud)
    }

    /// `scope` (RFC 8693 §4.2: space-separated string) or `scp` (string or array).
    private func scopeList() throws(JWTError) -> [String] {
        if let scope = try string(.scope) { return Self.splitScopes(scope) }
        guard let scp = claims[.scp] else { return [] }
        if case .string(let text) = scp { return Self.splitScopes(text) }
        return try stringArray(.scp)
    }

    /// Splits a space-separated scope string, dropping empty parts (as `split(separator: " ")`).
    ///
    /// Why not just `split`: it walks grapheme clusters, which made splitting the scope of
    /// every token a visible cost. For ASCII text (every real scope) a space byte is always a
    /// grapheme of its own, so splitting the bytes gives the same result; other text keeps
    /// the `Character` split.
    static func splitScopes(_ text: String) -> [String] {
        var text = text
        let ascii = text.withUTF8 { utf8 -> [String]? in
            var scopes: [String] = []
            var start = 0
            for position in 0...utf8.count {
                let atEnd = position == utf8.count
                if !atEnd, utf8[position] >= 0x80 { return nil }
                guard atEnd || utf8[position] == UInt8(ascii: " ") else { continue }
                if position > start {
                    scopes.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<position]), as: UTF8.self))
                }
                start = position + 1
            }
            return scopes
        }
        return ascii ?? text.split(separator: " ").map(String.init)
    }
}
