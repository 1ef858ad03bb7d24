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
}
