import Foundation
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

@Suite("Base64URL")
struct JWTBase64URLTests {
    @Test func roundTripsAndMatchesFoundation() {
        var random = JWTFuzzTests.SplitMix(state: 5)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let encoded = Base64URL.encode(bytes)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(encoded == foundation)
            #expect(Base64URL.decode(encoded) == bytes)
            #expect(Base64URL.decode(Array(encoded.utf8)[...]) == bytes)
        }
    }

    @Test(arguments: ["A", "AB", "ABC", "AAA=", "AA==", "A+B/", "AA AA", "AAAA\n", "AAA\u{00}", "é", "AAAAA"])
    func rejectsNonCanonicalOrForeignInput(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func acceptsCanonicalTails() {
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AAE") == [0, 1])
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("_-8") == [0xFF, 0xEF])
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// A byte outside the alphabet is refused wherever it stands: in the groups decoded in
    /// bulk (validity checked once, after the loop) as in the last ones.
    /// Lengths 51, 52 and 54: a last group of three, four and two characters.
    @Test(arguments: [38, 39, 40])
    func refusesAForeignByteAtEveryPosition(_ length: Int) {
        let encoded = Array(Base64URL.encode((0..<length).map { UInt8($0) }).utf8)
        let alphabet = Set(Self.alphabet)
        var accepted: [String] = []
        for position in encoded.indices {
            for byte in UInt8.min...UInt8.max where !alphabet.contains(byte) {
                var mutated = encoded
                mutated[position] = byte
                if Base64URL.decode(mutated) != nil { accepted.append("\(byte) at \(position)") }
            }
        }
        #expect(accepted.isEmpty)
    }

    /// Of the 64 possible last characters of a 2- or 3-character tail, exactly those whose
    /// leftover bits are zero decode (one encoding per value), after whole groups or alone.
    @Test(arguments: ["", "AAAA", "AAAAAAAAAAAA"])
    func acceptsExactlyTheCanonicalLastCharacter(_ groups: String) {
        for (tail, leftoverMask) in [("A", 0x0F), ("AA", 0x03)] {
            for (value, character) in Self.alphabet.enumerated() {
                let text = Array((groups + tail).utf8) + [character]
                let decoded = Base64URL.decode(text)
                #expect((decoded != nil) == (value & leftoverMask == 0), "\(String(decoding: text, as: UTF8.self))")
                if let decoded { #expect(decoded.count == (text.count / 4) * 3 + text.count % 4 - 1) }
            }
        }
    }

    /// The in-place decoder writes what the allocating one returns, and nothing past it.
    @Test func decodesIntoABufferWithoutWritingPastTheResult() {
        var random = JWTFuzzTests.SplitMix(state: 11)
        for length in 0..<64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let encoded = Array(Base64URL.encode(bytes).utf8)
            var output = [UInt8](repeating: 0xAA, count: length + 8)
            let written = encoded.withUnsafeBufferPointer { text in
                output.withUnsafeMutableBufferPointer { Base64URL.decode(text, into: UnsafeMutableBufferPointer(rebasing: $0[0..<length])) }
            }
            #expect(written == length)
            #expect(Array(output[0..<length]) == bytes)
            #expect(output[length...].allSatisfy { $0 == 0xAA })
        }
    }
}
