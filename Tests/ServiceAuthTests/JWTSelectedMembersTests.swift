import Foundation
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// The verifier's one-pass decode of the claims it reads must accept exactly what the strict
/// parser accepts, with the same values.
@Suite("JWT selected-member decoding")
struct JWTSelectedMembersTests {
    static let claimSet = #"{"sub":"94a8d4e8","iss":"https://issuer","client_id":"abc","origin_jti":"x","token_use":"access","scope":"a b","auth_time":1700000000,"exp":1700003600,"iat":1700000000,"jti":"j","username":"alice","cognito:groups":["g1","g2"],"nested":{"k":[1,2.5,null,true]}}"#

    /// The fast pass itself (not only the fallback) refuses these: duplicates, including in
    /// unread members and in objects with many members, and names it cannot compare by bytes.
    @Test(arguments: [
        #"{"jti":"a","jti":"b"}"#,
        #"{"sub":"a","sub":"b"}"#,
        #"{"sub":"a","\u0073ub":"b"}"#,
        #"{"é":1}"#,
        #"{"a":"\u00e9"} x"#,
        #"{"a":"b"}"#.replacingOccurrences(of: "b", with: "b\u{01}"),
        "{" + (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + #","k7":0}"#,
    ])
    func fastPassRefuses(_ text: String) {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBufferPointer { buffer -> [JSONValue?]? in
            var parser = JSONParser(buffer, maxDepth: 16)
            return parser.parseSelectedMembers(ClaimName.wantedNames)
        }
        #expect(result == nil)
    }

    @Test(arguments: [
        claimSet,
        #"{"\u0073ub":"escaped name","exp":1}"#,
        #"{"sub":"a","\u0073ub":"b"}"#,
        #"{"jti":"a","jti":"b","exp":1}"#,
        #"{"x":{"a":1,"a":2},"exp":1}"#,
        #"{"x":"\ud800","exp":1}"#,
        #"{"é":"é","exp":1}"#,
        #"{"e\u0301":1,"é":2}"#,
        "{}", "[]", "\"s\"", "{\"exp\":1} {}", " { \"exp\" : 1 } ",
        #"{"a":[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}"#,
        #"{"a":[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}"#,
        // More members than the fast pass keeps names for: the full parser decides.
        "{" + (0..<70).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + #","exp":7,"sub":"s"}"#,
        "{" + (0..<70).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + #","k69":0}"#,
    ])
    func agreesWithTheStrictParser(_ text: String) {
        expectSameVerdict(Array(text.utf8))
    }

    @Test func agreesOnMutatedClaimSets() {
        var generator = JWTFuzzTests.SplitMix(state: 0x5E1E_C7ED)
        let base = Array(Self.claimSet.utf8)
        let alphabet = Array(#"{}[]":,\ "a0-.eé"#.utf8) + [0x00, 0x80, 0xC3, 0xFF]
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            expectSameVerdict(bytes)
        }
    }

    private func expectSameVerdict(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let decoded = bytes.withUnsafeBufferPointer { SelectedMembers<ClaimName>.decode($0, maxDepth: 16) }
        let strict = (try? JSONValue.parse(bytes, maxDepth: 16))?.objectValue
        #expect((decoded == nil) == (strict == nil), sourceLocation: sourceLocation)
        guard let decoded, let strict else { return }
        for name in ClaimName.allCases {
            #expect(decoded[name] == strict[name.key], sourceLocation: sourceLocation)
        }
    }

    /// Names that share their length and first seven bytes are still told apart, and a member
    /// name matches only a wanted name with the same bytes.
    @Test func wantedNamesMatchWholeNames() {
        let names = WantedMemberNames(["abcdefgh1", "abcdefgh2", "cognito:groups", "cognito:username", "exp", "a"])
        func position(_ key: String) -> Int? { Array(key.utf8).withUnsafeBufferPointer { names.position(of: $0) } }
        #expect(position("abcdefgh1") == 0)
        #expect(position("abcdefgh2") == 1)
        #expect(position("abcdefgh3") == nil)
        #expect(position("cognito:groups") == 2)
        #expect(position("cognito:username") == 3)
        #expect(position("cognito:usernamE") == nil)
        #expect(position("exp") == 4)
        #expect(position("ex") == nil)
        #expect(position("expx") == nil)
        #expect(position("a") == 5)
        #expect(position("") == nil)
    }
}
