import Foundation
import HTTPTypes
import ServiceAuth
import Testing

@Suite("IdentityChain")
struct IdentityChainTests {
    private static let service = Identity(kind: .service, subject: "orders-client", clientId: "orders-client")
    private static let role = Identity(kind: .role, principal: "arn:aws:iam::123456789012:role/orders")
    private static let user = Identity(kind: .user, subject: "u-1", username: "alice")

    private func chain(caller: Identity?, header: String?) async throws -> [String] {
        var fields = HTTPFields()
        if let header { fields[IdentityChain.headerName] = header }
        let request = HTTPRequest(method: .get, scheme: "http", authority: "inventory.test", path: "/whoami", headerFields: fields)
        // As after the caller's own authenticator recorded `caller`.
        var auth = AuthContext(caller: caller)
        var body = MessageBody()
        _ = try await IdentityChainAuthenticator().authenticate(request, body: &body, auth: &auth, context: RequestContext())
        return auth.chain
    }

    @Test("a verified service's or role's chain is recorded")
    func trustedCaller() async throws {
        #expect(try await chain(caller: Self.service, header: "gateway,orders") == ["gateway", "orders"])
        #expect(try await chain(caller: Self.role, header: " gateway , orders ") == ["gateway", "orders"])
        #expect(try await chain(caller: Self.service, header: nil) == [])
        #expect(try await chain(caller: Self.service, header: "") == [])
    }

    @Test("without a verified service caller the header is ignored, even when malformed")
    func untrustedCaller() async throws {
        #expect(try await chain(caller: nil, header: "gateway,orders") == [])
        #expect(try await chain(caller: Self.user, header: "gateway,orders") == [])
        #expect(try await chain(caller: nil, header: "bad value,,") == [])
    }

    @Test("a trusted caller's malformed or oversized chain is refused with 400 invalid_chain", arguments: [
        "a,,b", ",", "a,", "a b", "a;b", "a\"b", "é", "a,b,c,d,e,f,g,h,i,j,k",
        String(repeating: "x", count: 129), String(repeating: "ab,", count: 400) + "c",
    ])
    func hostileChain(header: String) async throws {
        let error = await #expect(throws: IdentityChainError.self) { _ = try await chain(caller: Self.service, header: header) }
        #expect(error?.authFailure.status == .badRequest)
        #expect(error?.authFailure.code == "invalid_chain")
        #expect(error.map { !$0.message.contains(header) } == true)
    }

    @Test("parse and render round-trip; render refuses invalid entries")
    func roundTrip() throws {
        let entries = ["gateway", "orders", "arn:aws:iam::123456789012:role/orders"]
        #expect(try IdentityChain.parse(try IdentityChain.render(entries)) == entries)
        #expect(throws: IdentityChainError.self) { try IdentityChain.render(["a,b"]) }
        #expect(throws: IdentityChainError.self) { try IdentityChain.render(Array(repeating: "a", count: 11)) }
    }

    @Test("the summary shows the user and the chain")
    func summary() {
        let context = AuthContext(caller: Self.service, user: Self.user, chain: ["gateway", "orders"])
        #expect(context.summary == "user alice via gateway → orders")
    }
}
