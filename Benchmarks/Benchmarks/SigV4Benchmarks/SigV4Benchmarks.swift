import Benchmark
import BenchmarkSupport
import Crypto
import Foundation
import HTTPTypes
import ServiceAuth

// SigV4 signing and verification of a small GET and a 4 KiB POST, 1,000 per iteration
// (scalingFactor .kilo: `throughput` = operations per second), against the bare HMAC-SHA256
// work a signature contains: the four-HMAC signing-key derivation, the SHA-256 of the
// canonical request, the HMAC of the string to sign (and, for the POST, the SHA-256 of the
// body). The signing-key cache is measured by signing with one credential (hit) and with a
// different secret on every call (miss).

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    for shape in SigV4Fixture.Shape.allCases {
        Benchmark("SigV4 \(shape.rawValue) bare HMAC/SHA-256 work (baseline)") { benchmark, fixture in
            let sample = fixture.sample(shape)
            for _ in benchmark.scaledIterations {
                blackHole(SigV4Fixture.bareWork(sample, secret: fixture.credentials.secretAccessKey))
            }
        } setup: {
            SigV4Fixture.shared
        }

        Benchmark("SigV4 \(shape.rawValue) sign") { benchmark, fixture in
            let sample = fixture.sample(shape)
            for _ in benchmark.scaledIterations {
                blackHole(fixture.signer.sign(sample.unsigned, body: sample.body, credentials: fixture.credentials,
                                              date: fixture.date, payload: .bodyHashHeader))
            }
        } setup: {
            SigV4Fixture.shared
        }

        Benchmark("SigV4 \(shape.rawValue) verify") { benchmark, fixture in
            let sample = fixture.sample(shape)
            for _ in benchmark.scaledIterations {
                do {
                    blackHole(try await fixture.verifier.verify(sample.signed, body: sample.body))
                } catch {
                    benchmark.error("verification failed: \(error)")
                    return
                }
            }
        } setup: {
            SigV4Fixture.shared
        }
    }

    Benchmark("SigV4 GET sign, signing-key cache hit") { benchmark, fixture in
        let sample = fixture.sample(.get)
        for _ in benchmark.scaledIterations {
            blackHole(fixture.signer.sign(sample.unsigned, credentials: fixture.credentials, date: fixture.date))
        }
    } setup: {
        SigV4Fixture.shared
    }

    Benchmark("SigV4 GET sign, signing-key cache miss") { benchmark, fixture in
        let sample = fixture.sample(.get)
        var index = 0
        for _ in benchmark.scaledIterations {
            // 4,096 distinct secrets cycle through a 512-entry cache: every lookup misses.
            index = (index + 1) & 4095
            blackHole(fixture.signer.sign(sample.unsigned, credentials: fixture.rotating[index], date: fixture.date))
        }
    } setup: {
        SigV4Fixture.shared
    }
}

/// Requests, credentials, signer and verifier shared by the SigV4 benchmarks.
final class SigV4Fixture: Sendable {
    enum Shape: String, CaseIterable, Sendable {
        case get = "GET (small)"
        case post = "POST (4 KiB body)"
    }

    struct Sample: Sendable {
        var unsigned: HTTPRequest
        var signed: HTTPRequest
        var body: [UInt8]
        var canonicalRequest: [UInt8]
        var stringToSign: [UInt8]
        var scopeDate: String
    }

    static let shared = SigV4Fixture()

    let date = Date(timeIntervalSince1970: 1_790_000_000)
    let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    let rotating: [AWSCredentials]
    let signer = SigV4Signer(region: BenchFixtures.region, service: "execute-api")
    let verifier: SigV4Verifier
    private let get: Sample
    private let post: Sample

    private init() {
        rotating = (0..<4096).map { AWSCredentials(accessKeyId: "AKIAROTATING\($0)", secretAccessKey: "secret-\($0)-wJalrXUtnFEMIK7MDENG") }
        let store = JSONFileCredentialStore(entries: [
            .init(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                  principal: "arn:aws:iam::123456789012:role/orders")
        ])
        let date = self.date
        verifier = SigV4Verifier(
            configuration: .init(region: BenchFixtures.region, service: "execute-api", acceptedHosts: .anyHost),
            credentialStore: store,
            now: { date }
        )
        var getRequest = HTTPRequest(method: .get, scheme: "http", authority: "inventory.internal:8080", path: "/items/42?view=full")
        getRequest.headerFields[.accept] = "application/json"
        var postRequest = HTTPRequest(method: .post, scheme: "http", authority: "inventory.internal:8080", path: "/items/42/reserve")
        postRequest.headerFields[.contentType] = "application/json"
        let body = Array(String(repeating: "{\"sku\":\"A-1\",\"qty\":1}\n", count: 4096 / 22 + 1).utf8.prefix(4096))
        postRequest.headerFields[.contentLength] = String(body.count)
        let signer = self.signer
        let credentials = self.credentials
        func makeSample(_ request: HTTPRequest, body: [UInt8]) -> Sample {
            let result = signer.sign(request, body: body, credentials: credentials, date: date, payload: .bodyHashHeader)
            // The string to sign's third line is the scope: `yyyymmdd/region/service/aws4_request`.
            let scope = result.stringToSign.split(separator: "\n")[2]
            return Sample(unsigned: request, signed: result.request, body: body,
                          canonicalRequest: Array(result.canonicalRequest.utf8),
                          stringToSign: Array(result.stringToSign.utf8),
                          scopeDate: String(scope.prefix(8)))
        }
        get = makeSample(getRequest, body: [])
        post = makeSample(postRequest, body: body)
    }

    func sample(_ shape: Shape) -> Sample { shape == .get ? get : post }

    /// The primitives one SigV4 signature needs, with nothing around them: signing-key
    /// derivation (four HMACs), SHA-256 of the canonical request, HMAC of the string to sign,
    /// plus the body's SHA-256 when there is a body.
    static func bareWork(_ sample: Sample, secret: String) -> HashedAuthenticationCode<SHA256> {
        if !sample.body.isEmpty { blackHole(SHA256.hash(data: sample.body)) }
        blackHole(SHA256.hash(data: sample.canonicalRequest))
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [sample.scopeDate, BenchFixtures.region, "execute-api", "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return HMAC<SHA256>.authenticationCode(for: sample.stringToSign, using: key)
    }
}
