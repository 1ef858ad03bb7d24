import Foundation
import HTTPTypes
@testable import SampleServices
import ServiceAuth
import ServiceAuthHTTP
import Testing

/// `--no-token-cache` is a benchmark switch: it must turn off only the reuse of verified
/// tokens, never verification itself.
@Suite("Benchmark switch --no-token-cache")
struct NoTokenCacheTests {
    @Test("the verifiers keep no verified-token cache; without the flag they do")
    func verifiersHaveNoCache() throws {
        let base = ["--issuer", "http://127.0.0.1:9/us-east-1_LOCAL", "--client-id", "web"]
        let cached = try #require(try SampleVerifiers(try SampleOptions.parse(base), transport: AsyncHTTPTransport()))
        #expect(cached.caller.tokenCache != nil && cached.user.tokenCache != nil)
        let uncached = try #require(try SampleVerifiers(try SampleOptions.parse(base + ["--no-token-cache"]), transport: AsyncHTTPTransport()))
        #expect(uncached.caller.tokenCache == nil && uncached.user.tokenCache == nil)
    }

    @Test("a gateway with --no-token-cache still verifies every token: a valid one passes, the same token with a changed signature is refused, every time")
    func gatewayStillVerifies() async throws {
        try await DemoChain.withRunningChain { chain in
            let token = try await DemoScenarios.login(chain, username: "alice", password: "alice-password")
            var options = try SampleOptions.parse(["--no-token-cache"])
            options.issuer = chain.issuer
            options.clientId = ["web"]
            options.ordersUrl = chain.ordersURL
            options.tokenEndpoint = chain.issuerURL + "/oauth2/token"
            options.outboundClientId = "gateway"
            options.clientSecret = "gateway-secret"
            let gateway = try await GatewayService.make(options)
            try await withThrowingTaskGroup(of: Void.self) { group in
                defer { group.cancelAll() }
                group.addTask { try await gateway.run() }
                let url = "http://127.0.0.1:\(try await gateway.port())/whoami"
                // One signature character changed: same length, same header and claims.
                var bytes = Array(token.utf8)
                let position = bytes.count - 10
                bytes[position] = bytes[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                let forged = String(decoding: bytes, as: UTF8.self)
                for _ in 0..<3 {
                    var valid = HTTPFields()
                    valid[.authorization] = "Bearer \(token)"
                    let (accepted, _) = try await ServiceHTTPClient().get(url, headerFields: valid)
                    #expect(accepted.status == .ok)
                    var bad = HTTPFields()
                    bad[.authorization] = "Bearer \(forged)"
                    let (refused, body) = try await ServiceHTTPClient().get(url, headerFields: bad)
                    #expect(refused.status == .unauthorized)
                    let error = try JSONDecoder().decode([String: String].self, from: Data(body))["error"]
                    #expect(error == "bad_signature")
                }
            }
        }
    }
}
