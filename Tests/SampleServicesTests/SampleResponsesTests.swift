import Foundation
import HTTPTypes
@testable import SampleServices
import ServiceAuth
import Testing

/// The samples' hand-written responses and metrics labels.
@Suite("Sample responses and metrics")
struct SampleResponsesTests {
    /// What `/whoami` answered before it was written by hand: `JSONEncoder` with sorted keys.
    private func encoded(_ whoami: WhoAmI) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(whoami), as: UTF8.self)
    }

    @Test(arguments: [
        AuthContext(),
        AuthContext(
            caller: Identity(kind: .user, subject: "sub-1", username: "alice", clientId: "web", scopes: ["orders/read", "orders/write"]),
            user: Identity(kind: .user, subject: "sub-1", username: "alice", groups: ["admins", "buyers"]),
            chain: ["gateway", "orders"]),
        AuthContext(caller: Identity(kind: .role, principal: "arn:aws:iam::123456789012:role/orders")),
        // Strings JSON must escape, and some it must not (slashes, non-ASCII).
        AuthContext(
            caller: Identity(kind: .service, clientId: "quote\" backslash\\ tab\t nl\n nul\u{0} bell\u{7}", scopes: []),
            user: Identity(kind: .user, username: "zoë / 山田 ☃", groups: []),
            chain: ["a\"b"]),
    ])
    func whoamiIsTheJSONEncoderText(auth: AuthContext) throws {
        let whoami = WhoAmI(service: "gateway", auth: auth)
        let written = String(decoding: whoami.jsonBytes, as: UTF8.self)
        #expect(written == (try encoded(whoami)))
        // And it is JSON a parser reads back.
        #expect(try JSONSerialization.jsonObject(with: Data(whoami.jsonBytes)) is [String: Any])
    }

    @Test func inventedMethodsShareOneSeries() throws {
        let metrics = ServiceMetrics()
        for index in 0..<50 {
            metrics.record(route: "unmatched", method: HTTPRequest.Method("X-METHOD-\(index)")!, status: 401)
        }
        metrics.record(route: "/whoami", method: .get, status: 200)
        metrics.record(route: "/whoami", method: .get, status: 200)
        let text = String(decoding: metrics.render(), as: UTF8.self)
        let series = text.split(separator: "\n").filter { $0.hasPrefix("serviceauth_http_requests_total{") }
        #expect(series.count == 2)
        #expect(series.contains { $0.contains(#"method="other""#) && $0.hasSuffix(" 50") })
        #expect(series.contains { $0.contains(#"route="/whoami""#) && $0.hasSuffix(" 2") })
    }
}
