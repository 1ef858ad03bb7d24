import Foundation
import ServiceAuthCore

/// A compact JWS (RFC 7515 §7.1) split and decoded once.
///
/// The signature is later checked over ``signingInput``, the original `header.payload` bytes —
/// never over a re-encoding, which could differ from what was signed.
struct CompactJWS {
    /// The token's bytes.
    let bytes: [UInt8]
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

    /// The bytes the signature covers.
    var signingInput: ArraySlice<UInt8> { bytes[0..<signingInputEnd] }

    /// The JSON nesting allowed in a header (flat in practice).
    static let maxHeaderDepth = 4
    /// The JSON nesting allowed in claims (Cognito's are at most two deep).
    static let maxPayloadDepth = 16

    /// Splits and decodes `token`.
    ///
    /// - Throws: `malformed` for anything but three base64url parts (the signature may be
    ///   empty) whose first two are JSON objects.
    init(_ token: String) throws(JWTError) {
        bytes = Array(token.utf8)
        // Find the separators with memchr (vectorised) rather than a byte loop: tokens are ~1 KB.
        let (firstDot, secondDot, extraDot) = bytes.withUnsafeBufferPointer { buffer -> (Int, Int, Bool) in
            guard let base = buffer.baseAddress else { return (-1, -1, false) }
            func dot(after start: Int) -> Int {
                guard start < buffer.count, let found = memchr(base + start, Int32(UInt8(ascii: ".")), buffer.count - start) else { return -1 }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            let first = dot(after: 0)
            let second = first < 0 ? -1 : dot(after: first + 1)
            return (first, second, second >= 0 && dot(after: second + 1) >= 0)
        }
        // A fourth part (JWE has five) or garbage: only compact JWS is accepted.
        guard !extraDot else { throw .malformed("the token does not have exactly three parts") }
        // The signature part may be empty here: that is how unsecured (`alg: none`) tokens look,
        // and they must be refused for their algorithm (`unsupported_algorithm`), as any other
        // `none` token is. The verifier refuses an empty signature for every algorithm it accepts.
        guard firstDot > 0, secondDot > firstDot + 1 else {
            throw .malformed("the token does not have three parts with a header and a payload")
        }
        signingInputEnd = secondDot
        guard let headerBytes = Base64URL.decode(bytes[0..<firstDot]) else { throw .malformed("the header is not base64url") }
        guard let payloadBytes = Base64URL.decode(bytes[(firstDot + 1)..<secondDot]) else {
            throw .malformed("the payload is not base64url")
        }
        guard let signatureBytes = Base64URL.decode(bytes[(secondDot + 1)...]) else {
            throw .malformed("the signature is not base64url")
        }
        signature = signatureBytes
        guard let headerMembers = SelectedMembers<HeaderParameter>.decode(headerBytes, maxDepth: Self.maxHeaderDepth) else {
            throw .malformed("the header is not a JSON object")
        }
        header = headerMembers
        guard let claims = SelectedMembers<ClaimName>.decode(payloadBytes, maxDepth: Self.maxPayloadDepth) else {
            throw .malformed("the payload is not a JSON object")
        }
        payload = claims
        self.payloadBytes = payloadBytes
    }
}
