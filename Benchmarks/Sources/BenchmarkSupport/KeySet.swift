import Foundation
public import HTTPTypes
public import ServiceAuth

/// An RS256 and an ES256 signer and the JWKS that publishes both.
public struct BenchKeys: Sendable {
    public let rsa: JWTSigner
    public let ec: JWTSigner
    /// `{"keys":[...]}` with both public keys.
    public let jwksJSON: String

    public init() throws {
        rsa = try JWTSigner.generateRS256(keyID: BenchFixtures.rsaKeyID)
        ec = JWTSigner(key: .es256(.init()), keyID: BenchFixtures.ecKeyID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        jwksJSON = String(decoding: try encoder.encode(["keys": [rsa.publicJWK, ec.publicJWK]]), as: UTF8.self)
    }
}

/// An ``HTTPTransport`` that answers every request with one fixed JSON body, counting calls:
/// the JWKS "issuer" of the in-process JWT benchmarks, so no socket is involved.
public final class StaticJSONTransport: HTTPTransport {
    private let body: [UInt8]
    private let calls = Counter()

    public init(json: String) { body = Array(json.utf8) }

    /// How many requests were sent.
    public var callCount: Int { calls.value }

    public func send(
        _ request: HTTPRequest,
        body: [UInt8]?,
        timeout: Duration,
        maxResponseBytes: Int
    ) async throws -> (HTTPResponse, [UInt8]) {
        calls.increment()
        return (HTTPResponse(status: .ok, headerFields: [.contentType: "application/json"]), self.body)
    }
}
