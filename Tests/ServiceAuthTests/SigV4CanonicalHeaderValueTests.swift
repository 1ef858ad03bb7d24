import Testing

@testable import ServiceAuthAWS
@testable import ServiceAuthJWT

/// Canonical header values (AWS SigV4: trim, fold every whitespace run into one space, join
/// several values with `,`): the shortcut that returns an already-canonical value as it is
/// must give exactly what folding gives.
@Suite("SigV4 canonical header values")
struct SigV4CanonicalHeaderValueTests {
    /// The rule written out plainly, as the reference.
    static func folded(_ values: [String]) -> String {
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A]
        return values.map { value in
            value.utf8.split(whereSeparator: whitespace.contains).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        }.joined(separator: ",")
    }

    @Test(arguments: [
        "", " ", "a", " a", "a ", "a b", "a  b", "a\tb", "a\r\n b", "\ta", "a\n", "Bearer eyJ.x.y",
        "é  ü", "a , b", "  lots   of   space  ",
    ])
    func knownValues(_ value: String) {
        #expect(SigV4Canonical.canonicalHeaderValue([value]) == Self.folded([value]))
    }

    @Test func randomValuesAndLists() {
        var generator = JWTFuzzTests.SplitMix(state: 0x5165_4A11)
        let alphabet: [Character] = ["a", "b", " ", " ", "\t", "\r", "\n", ",", "é"]
        for _ in 0..<5_000 {
            let count = Int.random(in: 1...3, using: &generator)
            let values = (0..<count).map { _ in
                String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }
            #expect(SigV4Canonical.canonicalHeaderValue(values) == Self.folded(values), "\(values)")
        }
    }
}
