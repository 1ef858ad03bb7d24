import Foundation

/// Reads the token of `serviceauth verify -` from standard input.
///
/// Standard input is read to its end, but never more than a bounded amount is kept: however
/// large the input or `--max-token-bytes`, memory stays within the limit plus one read
/// buffer. The token is the whole input less one trailing newline (`\n` or `\r\n`), exactly as
/// `echo "$TOKEN" |` sends it; anything else (a second line, surrounding spaces) is not a token.
enum StandardInputToken {
    /// What standard input held.
    enum Outcome: Equatable {
        /// One token.
        case token(String)
        /// More bytes than the limit.
        case tooLarge
        /// Something besides the token and one trailing newline.
        case trailingData
    }

    /// The largest chunk read at a time.
    private static let chunkSize = 64 * 1024

    /// Reads standard input to its end.
    ///
    /// - Parameter maxTokenBytes: The largest token accepted.
    /// - Returns: The outcome.
    static func read(maxTokenBytes: Int) -> Outcome {
        read(maxTokenBytes: maxTokenBytes) { FileHandle.standardInput.readData(ofLength: chunkSize) }
    }

    /// Reads chunks from `next` until it returns an empty chunk.
    ///
    /// - Parameters:
    ///   - maxTokenBytes: The largest token accepted.
    ///   - next: Returns the next chunk, empty at the end of input.
    /// - Returns: The outcome.
    static func read(maxTokenBytes: Int, next: () -> Data) -> Outcome {
        // The token plus "\r\n"; saturating, so a limit near Int.max cannot overflow.
        let (sum, overflow) = max(0, maxTokenBytes).addingReportingOverflow(2)
        let keep = overflow ? Int.max : sum
        var bytes: [UInt8] = []
        var tooLarge = false
        while true {
            let chunk = next()
            if chunk.isEmpty { break }
            // Keep reading to the end (the writer must not get SIGPIPE), but stop keeping.
            if tooLarge { continue }
            if chunk.count > keep - bytes.count {
                tooLarge = true
                bytes = []
                continue
            }
            bytes.append(contentsOf: chunk)
        }
        if tooLarge { return .tooLarge }
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard bytes.count <= maxTokenBytes else { return .tooLarge }
        // The compact serialisation is base64url and dots only (RFC 7515 §7.1): any other byte,
        // whitespace and a second line included, means this is not one token.
        let isTokenByte: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "="):
                true
            default:
                false
            }
        }
        guard bytes.allSatisfy(isTokenByte) else { return .trailingData }
        return .token(String(decoding: bytes, as: UTF8.self))
    }
}
