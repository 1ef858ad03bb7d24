/// Base64url without padding (RFC 4648 §5), as JOSE uses it (RFC 7515 §2).
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    /// Encodes bytes as base64url without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = iterator.next()
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
            if let b1 { out.append(alphabet[Int((b1 & 0x0F) << 2 | (b2 ?? 0) >> 6)]) }
            if let b2 { out.append(alphabet[Int(b2 & 0x3F)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded base64url. Returns `nil` on any character outside the alphabet, on
    /// padding, or on an impossible length; non-canonical trailing bits are rejected too, so
    /// each value has exactly one encoding.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return result }
        return Array(text).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// The decoder proper, over contiguous bytes: JWT verification decodes every token's
    /// three parts, so this loop is on the hot path (four characters to three bytes at a time,
    /// output written in place, no per-byte append).
    static func decode(buffer text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = text.count
        guard count % 4 != 1 else { return nil }
        let outputCount = count / 4 * 3 + max(0, count % 4 - 1)
        return decodeTable.withUnsafeBufferPointer { table -> [UInt8]? in
            var valid = true
            let output = [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                var input = 0
                var position = 0
                while input + 4 <= count {
                    let a = table[Int(text[input])], b = table[Int(text[input + 1])]
                    let c = table[Int(text[input + 2])], d = table[Int(text[input + 3])]
                    if (a | b | c | d) & 0xC0 != 0 { valid = false; break }
                    out[position] = a << 2 | b >> 4
                    out[position + 1] = b << 4 | c >> 2
                    out[position + 2] = c << 6 | d
                    input += 4
                    position += 3
                }
                if valid {
                    switch count - input {
                    case 2:
                        let a = table[Int(text[input])], b = table[Int(text[input + 1])]
                        // Leftover bits must be zero (RFC 4648 §3.5 canonical encoding).
                        if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { valid = false; break }
                        out[position] = a << 2 | b >> 4
                        position += 1
                    case 3:
                        let a = table[Int(text[input])], b = table[Int(text[input + 1])], c = table[Int(text[input + 2])]
                        if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { valid = false; break }
                        out[position] = a << 2 | b >> 4
                        out[position + 1] = b << 4 | c >> 2
                        position += 2
                    default:
                        break
                    }
                }
                initialized = valid ? position : 0
            }
            return valid ? output : nil
        }
    }

    /// Decodes unpadded base64url text.
    public static func decode(_ text: String) -> [UInt8]? { decode(Array(text.utf8)) }
}
