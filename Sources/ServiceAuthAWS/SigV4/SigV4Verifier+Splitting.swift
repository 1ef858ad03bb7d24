import ServiceAuthCore

/// Splitting of the `Authorization` header, the credential scope and `SignedHeaders`.
///
/// Every real signature is ASCII, so the hot path works on UTF-8 bytes: no grapheme breaking,
/// no `Character` comparisons and no intermediate arrays. For ASCII input byte semantics are
/// exactly `Character` semantics (the only multi-scalar ASCII grapheme is CR LF, and none of the
/// delimiters is CR or LF), so the fast path accepts and rejects precisely what the `Character`
/// path does. Input with any non-ASCII byte keeps the original `Character`-based splitting, whose
/// canonical-equivalence and grapheme rules (e.g. U+037E compares equal to `;`, and a delimiter
/// followed by a combining mark is not a delimiter) the byte path does not reproduce; that keeps
/// behaviour and error codes identical for hostile input too.
extension SigV4Verifier {
    /// The five `/`-separated parts of `Credential=AKID/DATE/REGION/SERVICE/aws4_request`.
    struct CredentialScope {
        var accessKeyId: Substring
        var date: Substring
        var region: Substring
        var service: Substring
        var terminator: Substring
    }

    /// Whether every byte is ASCII.
    static func isASCII(_ text: Substring) -> Bool {
        withBytes(text) { bytes in bytes.allSatisfy { $0 < 0x80 } }
    }

    /// Runs `body` over the UTF-8 bytes of `text`: in place for native strings, which is every
    /// string off the wire; a copy only for the rare non-contiguous (bridged) string.
    private static func withBytes<Result>(
        _ text: Substring,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        text.utf8.withContiguousStorageIfAvailable(body) ?? Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// The `String.Index` of a byte offset into `text`; O(1) for native UTF-8 strings.
    private static func index(_ offset: Int, in text: Substring) -> Substring.Index {
        text.utf8.index(text.utf8.startIndex, offsetBy: offset)
    }

    /// `text[range]` for a byte range found by a scan of `withBytes(text)`. The caller checked
    /// that `text` is ASCII, so every byte offset is also a `Character` boundary.
    private static func slice(_ text: Substring, _ range: Range<Int>) -> Substring {
        text[index(range.lowerBound, in: text)..<index(range.upperBound, in: text)]
    }

    private static let authorizationPrefix: [UInt8] = Array((SigV4Canonical.algorithm + " ").utf8)
    private static let credentialName: [UInt8] = Array("Credential".utf8)
    private static let signedHeadersName: [UInt8] = Array("SignedHeaders".utf8)
    private static let signatureName: [UInt8] = Array("Signature".utf8)

    /// Byte-level split of an all-ASCII `Authorization` value into its three components.
    static func splitAuthorizationASCII(
        _ value: String
    ) throws(SigV4Error) -> (credential: Substring, signedHeaders: Substring, signature: Substring) {
        let text = value[...]
        let ranges = try withBytes(text, scanAuthorization).get()
        return (slice(text, ranges.credential), slice(text, ranges.signedHeaders), slice(text, ranges.signature))
    }

    /// Finds the byte ranges of the three component values, with the same checks, in the same
    /// order, as the `Character` path (so the same message for the same malformed input).
    private static func scanAuthorization(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) -> Swift.Result<(credential: Range<Int>, signedHeaders: Range<Int>, signature: Range<Int>), SigV4Error> {
        guard bytes.starts(with: authorizationPrefix) else {
            return .failure(.incompleteSignature("the Authorization header is not an AWS4-HMAC-SHA256 signature"))
        }
        var credential: Range<Int>?
        var signedHeaders: Range<Int>?
        var signature: Range<Int>?
        var start = authorizationPrefix.count
        // Mirrors `split(separator: ",", omittingEmptySubsequences: false)`: a trailing comma
        // yields a final empty component, which is then rejected for lacking `=`.
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
            var lower = start
            var upper = end
            while lower < upper, bytes[lower] == UInt8(ascii: " ") { lower += 1 }
            while lower < upper, bytes[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
            guard let equals = bytes[lower..<upper].firstIndex(of: UInt8(ascii: "=")) else {
                return .failure(.incompleteSignature("malformed Authorization header component"))
            }
            let name = bytes[lower..<equals]
            let content = (equals + 1)..<upper
            if credential == nil, name.elementsEqual(credentialName) {
                credential = content
            } else if signedHeaders == nil, name.elementsEqual(signedHeadersName) {
                signedHeaders = content
            } else if signature == nil, name.elementsEqual(signatureName) {
                signature = content
            } else {
                return .failure(.incompleteSignature("unexpected or repeated Authorization header component"))
            }
            guard end < bytes.endIndex else { break }
            start = end + 1
        }
        guard let credential, let signedHeaders, let signature else {
            return .failure(
                .incompleteSignature("the Authorization header needs Credential, SignedHeaders and Signature")
            )
        }
        return .success((credential, signedHeaders, signature))
    }

    /// The original `Character`-based split, kept for values containing non-ASCII bytes.
    static func splitAuthorizationUnicode(
        _ value: String
    ) throws(SigV4Error) -> (credential: Substring, signedHeaders: Substring, signature: Substring) {
        let prefix = SigV4Canonical.algorithm + " "
        guard value.hasPrefix(prefix) else {
            throw .incompleteSignature("the Authorization header is not an AWS4-HMAC-SHA256 signature")
        }
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        for component in value.dropFirst(prefix.count).split(separator: ",", omittingEmptySubsequences: false) {
            let component = component.trimmingSpaces()
            guard let equals = component.firstIndex(of: "=") else {
                throw .incompleteSignature("malformed Authorization header component")
            }
            let name = component[..<equals]
            let content = component[component.index(after: equals)...]
            switch name {
            case "Credential" where credential == nil: credential = content
            case "SignedHeaders" where signedHeaders == nil: signedHeaders = content
            case "Signature" where signature == nil: signature = content
            default: throw .incompleteSignature("unexpected or repeated Authorization header component")
            }
        }
        guard let credential, let signedHeaders, let signature else {
            throw .incompleteSignature("the Authorization header needs Credential, SignedHeaders and Signature")
        }
        return (credential, signedHeaders, signature)
    }

    /// Splits the credential at `/`; `nil` unless there are exactly five parts.
    static func splitScope(_ credential: Substring) -> CredentialScope? {
        guard isASCII(credential) else {
            let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 5 else { return nil }
            return CredentialScope(
                accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3], terminator: parts[4])
        }
        // The offsets of the four slashes, found in one pass; a fifth one means too many parts.
        let slashes: (Int, Int, Int, Int)? = withBytes(credential) { bytes in
            var found = (0, 0, 0, 0)
            var count = 0
            for offset in bytes.indices where bytes[offset] == UInt8(ascii: "/") {
                switch count {
                case 0: found.0 = offset
                case 1: found.1 = offset
                case 2: found.2 = offset
                case 3: found.3 = offset
                default: return nil
                }
                count += 1
            }
            return count == 4 ? found : nil
        }
        guard let slashes else { return nil }
        let count = credential.utf8.count
        return CredentialScope(
            accessKeyId: slice(credential, 0..<slashes.0),
            date: slice(credential, (slashes.0 + 1)..<slashes.1),
            region: slice(credential, (slashes.1 + 1)..<slashes.2),
            service: slice(credential, (slashes.2 + 1)..<slashes.3),
            terminator: slice(credential, (slashes.3 + 1)..<count)
        )
    }

    /// Splits `SignedHeaders` at `;`, keeping empty names so validation can reject them.
    static func splitSignedHeaders(_ text: Substring) -> [String] {
        guard isASCII(text) else {
            return text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        }
        return withBytes(text) { bytes in
            var names: [String] = []
            var start = 0
            while true {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
                names.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                guard end < bytes.endIndex else { break }
                start = end + 1
            }
            return names
        }
    }
}

extension Substring {
    /// The substring without leading and trailing spaces.
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
