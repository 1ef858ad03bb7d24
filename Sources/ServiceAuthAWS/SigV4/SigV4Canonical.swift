import Crypto
import HTTPTypes
import ServiceAuthCore

/// The canonicalisation rules of AWS Signature Version 4, shared by the signer and the
/// verifier so that both sides compute byte-identical canonical requests.
///
/// See AWS's "Create a canonical request for Signature Version 4". Paths and queries are
/// handled as UTF-8 bytes: percent-encoding is defined on bytes, and this avoids any
/// Unicode normalisation that `String` comparison would apply.
enum SigV4Canonical {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let unsignedPayload = "UNSIGNED-PAYLOAD"
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)
    private static let lowerHex: [UInt8] = Array("0123456789abcdef".utf8)

    /// RFC 3986 unreserved characters, the only ones SigV4 leaves unencoded.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
            UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default: false
        }
    }


    /// Percent-encodes every byte except unreserved ones (and `/` when `keepSlash`).
    static func encode(_ bytes: some Sequence<UInt8>, keepSlash: Bool, into output: inout [UInt8]) {
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(upperHex[Int(byte >> 4)])
                output.append(upperHex[Int(byte & 0x0F)])
            }
        }
    }

    /// `encode` for a string, as used for query keys and values.
    static func encode(_ string: some StringProtocol) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(string.utf8.count)
        encode(string.utf8, keepSlash: false, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits stays literal, and `+` is
    /// a literal plus (SigV4 queries are not form-encoded).
    static func percentDecode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        guard bytes.contains(UInt8(ascii: "%")) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = PercentEncoding.hexValue(bytes[index + 1]), let low = PercentEncoding.hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// The canonical URI.
    ///
    /// - Standard services: remove dot segments and empty segments (as botocore does), then
    ///   encode the path *as received* once more. On the wire the path is already
    ///   percent-encoded, so this is AWS's "double encoding" for non-S3 services.
    /// - S3 variant: no normalisation, a single encoding: existing `%XX` escapes are kept,
    ///   any other byte that is not unreserved or `/` is encoded.
    static func canonicalURI(_ path: Substring, s3: Bool) -> String {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { return "/" }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        if s3 {
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "%"), index + 2 < bytes.count, PercentEncoding.hexValue(bytes[index + 1]) != nil,
                    PercentEncoding.hexValue(bytes[index + 2]) != nil
                {
                    output.append(contentsOf: bytes[index...index + 2])
                    index += 3
                    continue
                }
                encode(CollectionOfOne(byte), keepSlash: true, into: &output)
                index += 1
            }
        } else {
            encode(removeDotSegments(bytes), keepSlash: true, into: &output)
        }
        return output.isEmpty ? "/" : String(decoding: output, as: UTF8.self)
    }

    /// Whether a raw request path is in the normal form non-S3 services sign: no `.` or `..`
    /// segment (also not percent-encoded, `%2E`), and no empty segment except a trailing slash.
    /// Only then is the path the router sees the path the signature covers.
    static func isNormalized(path: Substring) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return bytes.isEmpty }
        let segments = bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment.isEmpty {
                // "/" alone, or a trailing slash: the only empty segments normalisation keeps.
                if index == segments.count - 1 { continue }
                return false
            }
            if isDotSegment(segment) { return false }
        }
        return true
    }

    /// `.` or `..`, each dot possibly written `%2E`/`%2e` (RFC 3986 §2.3: equivalent).
    private static func isDotSegment(_ segment: ArraySlice<UInt8>) -> Bool {
        var dots = 0
        var index = segment.startIndex
        while index < segment.endIndex {
            if segment[index] == UInt8(ascii: ".") {
                index += 1
            } else if segment[index] == UInt8(ascii: "%"), segment.endIndex - index >= 3, segment[index + 1] == UInt8(ascii: "2"),
                segment[index + 2] | 0x20 == UInt8(ascii: "e")
            {
                index += 3
            } else {
                return false
            }
            dots += 1
            if dots > 2 { return false }
        }
        return dots >= 1
    }

    /// RFC 3986 §5.2.4 dot-segment removal, also dropping empty segments (AWS services
    /// treat `//` as `/`); the exact algorithm of botocore's `remove_dot_segments`.
    static func removeDotSegments(_ path: [UInt8]) -> [UInt8] {
        var segments: [ArraySlice<UInt8>] = []
        for segment in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.count == 1, segment.first == UInt8(ascii: ".") { continue }
            if segment.count == 2, segment.allSatisfy({ $0 == UInt8(ascii: ".") }) {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        var output: [UInt8] = []
        output.reserveCapacity(path.count)
        if path.first == UInt8(ascii: "/") { output.append(UInt8(ascii: "/")) }
        for (index, segment) in segments.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "/")) }
            output.append(contentsOf: segment)
        }
        if path.last == UInt8(ascii: "/"), !segments.isEmpty { output.append(UInt8(ascii: "/")) }
        return output
    }

    /// One decoded query parameter.
    struct QueryParameter {
        var name: [UInt8]
        var value: [UInt8]
        var nameString: String { String(decoding: name, as: UTF8.self) }
        var valueString: String { String(decoding: value, as: UTF8.self) }
    }

    /// The decoded parameters of a raw query, in order; empty `&&` segments are skipped.
    static func parameters(ofQuery query: Substring) -> [QueryParameter] {
        var result: [QueryParameter] = []
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                result.append(
                    QueryParameter(
                        name: percentDecode(pair[..<equals]),
                        value: percentDecode(pair[pair.index(after: equals)...])
                    )
                )
            } else {
                result.append(QueryParameter(name: percentDecode(pair), value: []))
            }
        }
        return result
    }

    /// The canonical query string: parameters decoded, re-encoded with SigV4's rules,
    /// sorted by encoded name and then value, joined with `&`.
    static func canonicalQuery(_ parameters: [QueryParameter], excluding excluded: Set<String> = []) -> String {
        var encoded: [([UInt8], [UInt8])] = []
        encoded.reserveCapacity(parameters.count)
        for parameter in parameters {
            if !excluded.isEmpty, excluded.contains(parameter.nameString) { continue }
            var name: [UInt8] = []
            var value: [UInt8] = []
            encode(parameter.name, keepSlash: false, into: &name)
            encode(parameter.value, keepSlash: false, into: &value)
            encoded.append((name, value))
        }
        encoded.sort { lhs, rhs in
            lhs.0 == rhs.0 ? lhs.1.lexicographicallyPrecedes(rhs.1) : lhs.0.lexicographicallyPrecedes(rhs.0)
        }
        var output: [UInt8] = []
        for (index, pair) in encoded.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            output.append(contentsOf: pair.0)
            output.append(UInt8(ascii: "="))
            output.append(contentsOf: pair.1)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The values of header `name` (lower-case); `host` falls back to the request's authority,
    /// since HTTP servers move `Host` into the `:authority` pseudo-header.
    static func headerValues(_ request: HTTPRequest, name: String) -> [String] {
        guard let fieldName = HTTPField.Name(name) else { return [] }
        let values = request.headerFields[values: fieldName]
        if values.isEmpty, name == "host", let authority = request.authority { return [authority] }
        return values
    }

    /// Trims a header value and folds every run of whitespace (including the line breaks
    /// of obsolete line folding) into one space; several values are joined with `,`.
    static func canonicalHeaderValue(_ values: [String]) -> String {
        // The usual case — one value, already canonical — is the value itself: signed headers
        // include propagated ~1 KB tokens, and rebuilding those byte by byte on every signature
        // and every verification was a visible share of each hop.
        if values.count == 1, isCanonicalHeaderValue(values[0]) { return values[0] }
        var output: [UInt8] = []
        output.reserveCapacity(values.reduce(values.count) { $0 + $1.utf8.count })
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            var pendingSpace = false
            var started = false
            for byte in value.utf8 {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                    || byte == UInt8(ascii: "\n")
                {
                    pendingSpace = started
                    continue
                }
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                started = true
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `value` is its own canonical form: no leading or trailing whitespace, no tab,
    /// CR or LF, and no two spaces in a row.
    static func isCanonicalHeaderValue(_ value: String) -> Bool {
        var value = value  // `withUTF8` needs a variable; a native string is not copied
        return value.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            guard first != UInt8(ascii: " "), last != UInt8(ascii: " ") else { return false }
            var previousWasSpace = false
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    return false
                case UInt8(ascii: " "):
                    if previousWasSpace { return false }
                    previousWasSpace = true
                default:
                    previousWasSpace = false
                }
            }
            return true
        }
    }

    /// Assembles the canonical request.
    static func canonicalRequest(
        method: String,
        uri: String,
        query: String,
        request: HTTPRequest,
        signedHeaders: [String],
        payloadHash: String
    ) -> String {
        var text = method
        // One allocation for the usual request instead of several regrowths.
        text.reserveCapacity(256 + uri.utf8.count + query.utf8.count)
        text += "\n"
        text += uri
        text += "\n"
        text += query
        text += "\n"
        for name in signedHeaders {
            text += name
            text += ":"
            text += canonicalHeaderValue(headerValues(request, name: name))
            text += "\n"
        }
        text += "\n"
        text += signedHeaders.joined(separator: ";")
        text += "\n"
        text += payloadHash
        return text
    }

    /// The string to sign for a canonical request.
    static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        algorithm + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest.utf8)
    }

    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        // Hash in place when the bytes are contiguous (a native string's UTF-8 always is);
        // copy into an array only otherwise.
        let hashedInPlace: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if hashedInPlace == nil { hasher.update(data: Array(bytes)) }
        return hex(hasher.finalize())
    }

    /// Lower-case hex of a digest or MAC.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for byte in bytes {
            output.append(lowerHex[Int(byte >> 4)])
            output.append(lowerHex[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes lower-case hex of exactly `count` bytes.
    static func decodeLowerHex(_ text: some StringProtocol, count: Int) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count == count * 2 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(count)
        var index = 0
        while index < bytes.count {
            guard let high = lowerHexValue(bytes[index]), let low = lowerHexValue(bytes[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func lowerHexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// The signature: HMAC-SHA256 of the string to sign under the derived signing key.
    static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey))
    }

    /// The raw signature bytes.
    static func signatureBytes(signingKey: SymmetricKey, stringToSign: String) -> HMAC<SHA256>.MAC {
        HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey)
    }
}
