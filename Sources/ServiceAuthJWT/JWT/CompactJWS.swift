import Foundation
import ServiceAuthCore

/// A compact JWS (RFC 7515 §7.1) split and decoded once.
///
/// The signature is later checked over ``withSigningInput(_:)``, the original `header.payload` bytes —
/// never over a re-encoding, which could differ from what was signed.
struct CompactJWS {
    /// The token, with contiguous UTF-8 storage: the signature is checked over its own bytes.
    private let token: String
    /// The length of `header.payload` (the index of the second `.`).
    let signingInputEnd: Int
    /// The protected header's parameters the verifier reads (the header is validated whole).
    let header: SelectedMembers<HeaderParameter>
    /// The claims the verifier reads (the payload is validated whole).
    let payload: SelectedMembers<ClaimName>
    /// The decoded payload, strict JSON: kept so ``VerifiedToken/claims`` can be built on
    /// first use instead of on every verification.
    let payloadBytes: [UInt8]
    /// The decoded signature.
    let signature: [UInt8]

    /// Calls `body` with the bytes the signature covers: the token's `header.payload`, as sent.
    func withSigningInput<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        var token = token  // already contiguous: `withUTF8` copies nothing
        return token.withUTF8 { body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[0..<signingInputEnd]))) }
    }

    /// The JSON nesting allowed in a header (flat in practice).
    static let maxHeaderDepth = 4
    /// The JSON nesting allowed in claims (Cognito's are at most two deep).
    static let maxPayloadDepth = 16

    /// Splits and decodes `token`.
    ///
    /// Works on the token's own UTF-8 storage (a bridged string is made contiguous once): the
    /// token is not copied, and the header — only read here — is decoded into scratch space.
    ///
    /// - Throws: `malformed` for anything but three base64url parts (the signature may be
    ///   empty) whose first two are JSON objects.
    init(_ token: String) throws(JWTError) {
        var token = token
        let parts = token.withUTF8 { bytes in
            Result { () throws(JWTError) in try Self.split(bytes) }
        }
        let (signingInputEnd, header, payload, payloadBytes, signature) = try parts.get()
        self.token = token
        self.signingInputEnd = signingInputEnd
        self.header = header
        self.payload = payload
        self.payloadBytes = payloadBytes
        self.signature = signature
    }

    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) throws(JWTError) -> (
        signingInputEnd: Int, header: SelectedMembers<HeaderParameter>, payload: SelectedMembers<ClaimName>,
        payloadBytes: [UInt8], signature: [UInt8]
    ) {
        // Find the separators with memchr (vectorised) rather than a byte loop: tokens are ~1 KB.
        guard let base = bytes.baseAddress else { throw .malformed("the token does not have three parts with a header and a payload") }
        func dot(after start: Int) -> Int {
            guard start < bytes.count, let found = memchr(base + start, Int32(UInt8(ascii: ".")), bytes.count - start) else { return -1 }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        let firstDot = dot(after: 0)
        let secondDot = firstDot < 0 ? -1 : dot(after: firstDot + 1)
        // A fourth part (JWE has five) or garbage: only compact JWS is accepted.
        guard secondDot < 0 || dot(after: secondDot + 1) < 0 else { throw .malformed("the token does not have exactly three parts") }
        // The signature part may be empty here: that is how unsecured (`alg: none`) tokens look,
        // and they must be refused for their algorithm (`unsupported_algorithm`), as any other
        // `none` token is. The verifier refuses an empty signature for every algorithm it accepts.
        guard firstDot > 0, secondDot > firstDot + 1 else {
            throw .malformed("the token does not have three parts with a header and a payload")
        }
        let headerText = UnsafeBufferPointer(rebasing: bytes[0..<firstDot])
        guard let headerCount = Base64URL.decodedCount(ofEncodedCount: headerText.count) else {
            throw .malformed("the header is not base64url")
        }
        let result = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: headerCount) { scratch in
            Result { () throws(JWTError) in
                guard let written = Base64URL.decode(headerText, into: scratch) else { throw .malformed("the header is not base64url") }
                guard let payloadBytes = Base64URL.decode(buffer: UnsafeBufferPointer(rebasing: bytes[(firstDot + 1)..<secondDot])) else {
                    throw .malformed("the payload is not base64url")
                }
                guard let signature = Base64URL.decode(buffer: UnsafeBufferPointer(rebasing: bytes[(secondDot + 1)...])) else {
                    throw .malformed("the signature is not base64url")
                }
                let headerBytes = UnsafeBufferPointer(rebasing: scratch[0..<written])
                guard let header = SelectedMembers<HeaderParameter>.decode(headerBytes, maxDepth: maxHeaderDepth) else {
                    throw .malformed("the header is not a JSON object")
                }
                let payload = try payloadBytes.withUnsafeBufferPointer { buffer throws(JWTError) in
                    guard let claims = SelectedMembers<ClaimName>.decode(buffer, maxDepth: maxPayloadDepth) else {
                        throw .malformed("the payload is not a JSON object")
                    }
                    return claims
                }
                return (secondDot, header, payload, payloadBytes, signature)
            }
        }
        return try result.get()
    }
}
