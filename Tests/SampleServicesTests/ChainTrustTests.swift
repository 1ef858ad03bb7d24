import Foundation
import HTTPTypes
import SampleServices
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Testing

/// The chain's trust boundaries, tried as an attacker would: a captured signed write replayed,
/// a path that tries to climb out of its route, a signature meant for another service.
@Suite("The chain refuses replays, path tricks and misdirected signatures")
struct ChainTrustTests {
    static func bearer(_ token: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        fields[.contentType] = "application/json"
        return fields
    }

    @Test("a signed reservation captured on the wire is refused when replayed to inventory")
    func replayedWriteIsRefused() async throws {
        try await DemoChain.withRunningChain { chain in
            let credentials = try await chain.ordersCredentials.credentials()
            let body = Array(#"{"quantity":1}"#.utf8)
            let request = try #require(HTTPRequest(method: .post, urlString: chain.inventoryURL + "/items/7/reserve"))
            let signed = SigV4Signer(region: "us-east-1", service: "execute-api")
                .sign(request, body: body, credentials: credentials, payload: .bodyHashHeader).request
            let (first, _) = try await ServiceHTTPClient().send(signed, body: MessageBody(body))
            #expect(first.status == .ok)
            let (replayed, replayedBody) = try await ServiceHTTPClient().send(signed, body: MessageBody(body))
            #expect(replayed.status == .unauthorized)
            #expect(String(decoding: replayedBody, as: UTF8.self).contains("RequestExpired"))
        }
    }

    @Test("identical orders placed in the same second both go through (each signature is unique)")
    func identicalWritesBothSucceed() async throws {
        try await DemoChain.withRunningChain { chain in
            let token = try await DemoScenarios.login(chain, username: "alice", password: "alice-password")
            for _ in 0..<3 {
                let (response, body) = try await ServiceHTTPClient().post(
                    "\(chain.gatewayURL)/orders", body: Array(#"{"item":"7","quantity":1}"#.utf8), headerFields: Self.bearer(token))
                #expect(response.status == .ok, "\(String(decoding: body, as: UTF8.self))")
            }
        }
    }

    @Test("an id that spells ../ reaches inventory as an opaque id, never as a path", arguments: [
        "..%2F..%2Fwhoami", "%2E%2E%2F%2E%2E%2Fwhoami", "..%2Fwhoami%3Fx%3D1", "a%2F..%2F..%2Fitems%2F9",
    ])
    func pathParameterStaysOneSegment(_ id: String) async throws {
        try await DemoChain.withRunningChain { chain in
            let token = try await DemoScenarios.login(chain, username: "alice", password: "alice-password")
            let (response, body) = try await ServiceHTTPClient().get("\(chain.gatewayURL)/orders/\(id)", headerFields: Self.bearer(token))
            #expect(response.status == .ok, "\(String(decoding: body, as: UTF8.self))")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let item = (json["result"] as? [String: Any])?["item"] as? [String: Any]
            #expect(item?["id"] as? String == id.removingPercentEncoding)
            #expect((json["hops"] as? [[String: Any]])?.compactMap { $0["service"] as? String } == ["gateway", "orders", "inventory"])
        }
    }

    @Test("a request orders signed for another host is refused by inventory (curl sends the Host header)")
    func signatureForAnotherHostIsRefused() async throws {
        try await DemoChain.withRunningChain { chain in
            let credentials = try await chain.ordersCredentials.credentials()
            let signer = SigV4Signer(region: "us-east-1", service: "execute-api")
            let inventoryAuthority = String(chain.inventoryURL.dropFirst("http://".count))
            let ordersAuthority = String(chain.ordersURL.dropFirst("http://".count))
            func curl(signedFor authority: String) async throws -> String {
                let request = HTTPRequest(method: .get, scheme: "http", authority: authority, path: "/items/1")
                let signed = signer.sign(request, credentials: credentials).request
                var arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: \(authority)"]
                for field in signed.headerFields { arguments += ["-H", "\(field.name.rawName): \(field.value)"] }
                arguments.append("http://\(inventoryAuthority)/items/1")
                return try await runProcess(["/usr/bin/env"] + arguments, timeout: .seconds(30)).output
            }
            #expect(try await curl(signedFor: inventoryAuthority).hasSuffix("200"))
            #expect(try await curl(signedFor: "localhost:\(inventoryAuthority.split(separator: ":").last ?? "")").hasSuffix("200"))
            // Orders' own address: the signature is valid, but not for this service.
            #expect(try await curl(signedFor: ordersAuthority).hasSuffix("401"))
            #expect(try await curl(signedFor: "inventory.evil.example").hasSuffix("401"))
        }
    }
}
