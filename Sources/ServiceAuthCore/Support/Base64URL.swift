/// Base64url without padding (RFC 4648 §5), as JOSE uses it (RFC 7515 §2).
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

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

    /// The number of bytes `encodedCount` characters of unpadded base64url decode to, or `nil`
    /// for a length no unpadded encoding has (one character past a multiple of four).
    package static func decodedCount(ofEncodedCount encodedCount: Int) -> Int? {
        guard encodedCount >= 0, encodedCount % 4 != 1 else { return nil }
        return encodedCount / 4 * 3 + max(0, encodedCount % 4 - 1)
    }

    /// Decodes contiguous unpadded base64url, with the same rules as ``decode(_:)-(some Collection<UInt8>)``.
    ///
    /// The JWT verifier decodes every token's parts straight from the token's own storage, so
    /// this entry point is not generic: no copy, no witness-table calls on the hot path.
    package static func decode(buffer text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let outputCount = decodedCount(ofEncodedCount: text.count) else { return nil }
        var valid = true
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
            let written = decode(text, into: out)
            valid = written != nil
            initialized = written ?? 0
        }
        return valid ? output : nil
    }

    /// Decodes contiguous unpadded base64url into `output`, with the same rules as
    /// ``decode(_:)-(some Collection<UInt8>)``.
    ///
    /// - Parameter output: At least ``decodedCount(ofEncodedCount:)`` bytes; a smaller buffer is a
    ///   programming error and stops the process (`precondition`).
    /// - Returns: The number of bytes written, or `nil` when `text` is not unpadded, canonical
    ///   base64url (what `output` then holds is unspecified).
    package static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard let outputCount = decodedCount(ofEncodedCount: text.count) else { return nil }
        precondition(output.count >= outputCount, "the output buffer is too small")
        guard outputCount > 0, let input = text.baseAddress, let out = output.baseAddress else { return outputCount == 0 ? 0 : nil }
        let count = text.count
        return groupTables.withUnsafeBufferPointer { tables -> Int? in
            let t = tables.baseAddress!
            @inline(__always) func group(_ at: Int, _ characters: Int) -> UInt32 {
                var bits = t[Int(input[at])] | t[256 + Int(input[at + 1])]
                if characters > 2 { bits |= t[512 + Int(input[at + 2])] }
                if characters > 3 { bits |= t[768 + Int(input[at + 3])] }
                return bits
            }
            var inputIndex = 0
            var position = 0
            var invalid: UInt32 = 0
            // JWT verification decodes every token's three parts, so this loop is on the hot
            // path: four characters to three bytes by four table lookups and one 4-byte store
            // (its fourth byte is overwritten by the next group), validity checked once at the end.
            while inputIndex + 4 <= count, position + 4 <= outputCount {
                let bits = group(inputIndex, 4)
                invalid |= bits
                UnsafeMutableRawPointer(out + position).storeBytes(of: bits.littleEndian, as: UInt32.self)
                inputIndex += 4
                position += 3
            }
            guard invalid & invalidBit == 0 else { return nil }
            // The last group (two, three or four characters), byte by byte so nothing is written
            // past the output.
            while inputIndex < count {
                let characters = min(4, count - inputIndex)
                let bits = group(inputIndex, characters)
                guard bits & invalidBit == 0 else { return nil }
                // Leftover bits must be zero (RFC 4648 §3.5 canonical encoding): with two
                // characters the second byte, with three the third, holds only leftover bits.
                if characters == 2, bits & 0xFF00 != 0 { return nil }
                if characters == 3, bits & 0xFF_0000 != 0 { return nil }
                for offset in 0..<(characters - 1) { out[position + offset] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(offset))) }
                inputIndex += characters
                position += characters - 1
            }
            return position
        }
    }

    private static let invalidBit: UInt32 = 0x8000_0000

    /// Four 256-entry tables: the character at offset `k` of a group, looked up in table `k`,
    /// gives its six bits already in place in the group's three bytes (little-endian: byte 0
    /// in the low eight bits), or `invalidBit` when it is not in the alphabet.
    private static let groupTables: [UInt32] = {
        var tables = [UInt32](repeating: invalidBit, count: 1024)
        for (index, character) in alphabet.enumerated() {
            let value = UInt32(index)
            tables[Int(character)] = value << 2
            tables[256 + Int(character)] = value >> 4 | (value & 0x0F) << 12
            tables[512 + Int(character)] = (value >> 2) << 8 | (value & 0x03) << 22
            tables[768 + Int(character)] = value << 16
        }
        return tables
    }()

    /// Decodes unpadded base64url text.
    public static func decode(_ text: String) -> [UInt8]? { decode(Array(text.utf8)) }
}
