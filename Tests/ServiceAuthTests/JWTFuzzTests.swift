import Foundation
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// Property tests: random and mutated tokens never crash or hang the verifier, always fail
/// with a typed error, and the strict JSON parser agrees with Foundation where both accept.
@Suite("JWT fuzzing")
struct JWTFuzzTests {
    static let codes: Set<String> = [
        "malformed", "unsupported_algorithm", "unknown_key", "bad_signature", "expired", "not_yet_valid",
        "wrong_issuer", "wrong_audience", "wrong_token_use", "missing_scope", "missing_group", "jwks_unavailable",
    ]

    /// A small deterministic generator, so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedTokensFailWithTypedErrors() async throws {
        var random = SplitMix(state: 0xC0FFEE)
        let verifier = Fixture.verifier { $0.allowedAlgorithms = Set(JWTAlgorithm.all) }
        let seeds = [Mint.rs256(Fixture.claims()), Mint.es256(Fixture.claims())]
        var accepted = 0
        for round in 0..<1500 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(UInt8.random(in: 0x20...0x7E, using: &random), at: index)
                default: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                }
                if bytes.isEmpty { bytes = [0x2E] }
            }
            let token = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try await verifier.verify(token)
                accepted += 1  // a mutation that decodes to the same bytes (e.g. ignored trailing bits)
            } catch {
                #expect(Self.codes.contains(error.code.rawValue))
                #expect(!error.message.contains(token))
            }
        }
        #expect(accepted < 15)
    }

    @Test func mutatedSegmentsWithValidSignaturesFailWithTypedErrors() async throws {
        // Mutate the decoded JSON and re-sign, so the mutations reach the claim rules.
        var random = SplitMix(state: 42)
        let verifier = Fixture.verifier()
        let header = Array(#"{"alg":"RS256","kid":"rsa-1"}"#.utf8)
        let payload = Array(JSONValue.object(Fixture.claims()).jsonString.utf8)
        for round in 0..<150 {
            var headerBytes = header
            var payloadBytes = payload
            let target = round % 2 == 0 ? 0 : 1
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let pool = "{}[]\":,.-+eE0123456789 \\u\u{00}\u{7F}truefalsenull"
                let byte = Array(pool.utf8).randomElement(using: &random)!
                if target == 0 {
                    headerBytes[Int.random(in: 0..<headerBytes.count, using: &random)] = byte
                } else {
                    payloadBytes[Int.random(in: 0..<payloadBytes.count, using: &random)] = byte
                }
            }
            let input = Base64URL.encode(headerBytes) + "." + Base64URL.encode(payloadBytes)
            let token = input + "." + Base64URL.encode(TestSigningKey.rsa(TestKeys.rsa, pss: false, hash: 256).sign(Array(input.utf8)))
            do {
                _ = try await verifier.verify(token)
            } catch {
                #expect(Self.codes.contains(error.code.rawValue))
            }
        }
    }

    @Test func randomBytesNeverCrash() async {
        var random = SplitMix(state: 7)
        let verifier = Fixture.verifier()
        for _ in 0..<1000 {
            let length = Int.random(in: 0..<300, using: &random)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ".utf8)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            do {
                _ = try await verifier.verify(String(decoding: bytes, as: UTF8.self))
                Issue.record("random bytes verified")
            } catch {
                #expect(Self.codes.contains(error.code.rawValue))
            }
        }
    }
}
