import Foundation
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

@Suite("Strict JSON parser")
struct JWTJSONParserTests {
    @Test(arguments: [
        (#"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, JSONValue.object(["a": 1, "b": [true, false, .null], "c": ["d": "e"]])),
        (#"  [ -0.5e2 , 0 , 1E+2, 1700000000 ]  "#, [-50, 0, 100, 1_700_000_000]),
        (#""\u00e9\ud83d\ude00\n\/\\\"""#, "é😀\n/\\\""),
        (#""é日本""#, "é日本"),
        ("{}", [:]),
        ("[]", []),
        ("123456789012345678", .number(123_456_789_012_345_680)),
    ] as [(String, JSONValue)])
    func parsesValidJSON(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONValue.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#,  // duplicate names
        #""\ud800""#, #""\udc00x""#, #""\ud800\u0041""#,  // lone surrogates
        "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[.5]", "[-]", "[1e]", "[+1]", "[NaN]", "[Infinity]", "[1e400]",
        "\"a\u{01}\"", "[\"\\x\"]", "\"abc", "[1] x", "tru", "nul", "{a:1}", "{'a':1}", "", " ", "[", "{\"a\"}", "{\"a\" 1}",
        "\u{FEFF}{}",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }  // encoded surrogate
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC0, 0xAF, 0x22]) }  // overlong
    }

    @Test func depthIsLimited() throws {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(deep.utf8), maxDepth: 32) }
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try JSONValue.parse(Array(ok.utf8), maxDepth: 32)
        let tooDeep = String(repeating: "{\"a\":", count: 33) + "1" + String(repeating: "}", count: 33)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(tooDeep.utf8), maxDepth: 32) }
    }

    @Test func serialisationRoundTrips() throws {
        let value: JSONValue = ["b": [1, 2.5, "x\"y\u{01}"], "a": .null, "c": ["d": true]]
        #expect(value.jsonString == #"{"a":null,"b":[1,2.5,"x\"y\u0001"],"c":{"d":true}}"#)
        #expect(try JSONValue.parse(Array(value.jsonString.utf8)) == value)
    }

    /// Differential check against Foundation: whenever both accept a text, they agree on it;
    /// and whenever this parser accepts, Foundation does too (this parser is the stricter one).
    @Test func agreesWithJSONSerializationOnMutatedDocuments() throws {
        var random = JWTFuzzTests.SplitMix(state: 99)
        let seed = Array(JSONValue.object(Fixture.claims(["aud": ["a", "b"], "x": ["y": [1.5, -2, "\u{e9}"]]])).jsonString.utf8)
        let pool = Array("{}[]\":,.-+eE019 \\u\u{7F}tfn".utf8)
        var agreed = 0
        for _ in 0..<2000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                if Bool.random(using: &random) { bytes[index] = pool.randomElement(using: &random)! } else { bytes.remove(at: index) }
            }
            guard let ours = try? JSONValue.parse(bytes) else { continue }
            let theirs = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            #expect(Self.convert(theirs) == Self.booleansAsNumbers(ours))
            agreed += 1
        }
        #expect(agreed > 0)
    }

    static func booleansAsNumbers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .bool(let flag): .number(flag ? 1 : 0)
        case .array(let elements): .array(elements.map(booleansAsNumbers))
        case .object(let members): .object(members.mapValues(booleansAsNumbers))
        default: value
        }
    }

    static func convert(_ value: Any) -> JSONValue? {
        switch value {
        case is NSNull: return .null
        case let number as NSNumber:
            // Foundation's booleans are NSNumbers too; compare them as numbers.
            return .number(number.doubleValue)
        case let string as String: return .string(string)
        case let array as [Any]:
            let elements = array.compactMap(convert)
            return elements.count == array.count ? .array(elements) : nil
        case let object as [String: Any]:
            var members: [String: JSONValue] = [:]
            for (key, element) in object {
                guard let converted = convert(element) else { return nil }
                members[key] = converted
            }
            return .object(members)
        default: return nil
        }
    }
}
