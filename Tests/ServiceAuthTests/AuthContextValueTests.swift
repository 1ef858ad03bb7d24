import ServiceAuth
import Testing

@Suite("AuthContext is a value")
struct AuthContextValueTests {
    static let alice = Identity(kind: .user, subject: "u-1", username: "alice", scopes: ["orders/read"])
    static let gateway = Identity(kind: .service, subject: "svc-1", clientId: "gateway")

    @Test("a copy changed never changes the original (the storage is copied on write), empty or not")
    func copiesAreIndependent() {
        let empty = AuthContext()
        var changed = empty
        changed.caller = Self.gateway
        #expect(empty.caller == nil, "the shared empty context must not be written")
        #expect(AuthContext().caller == nil)
        #expect(changed.caller == Self.gateway)
        var appended = AuthContext()
        appended.chain.append("edge")  // in place (`_modify`), on a fresh copy of the shared empty storage
        appended.attributes["tenant"] = "a"
        #expect(AuthContext().chain.isEmpty && AuthContext().attributes.isEmpty)
        #expect(appended.chain == ["edge"] && appended.attributes == ["tenant": "a"])

        var original = AuthContext(caller: Self.gateway, user: Self.alice, userToken: "t", chain: ["edge"])
        var copy = original
        copy.user = nil
        copy.userToken = nil
        copy.chain.append("gateway")
        copy.attributes["tenant"] = "a"
        #expect(original.user == Self.alice)
        #expect(original.userToken == "t")
        #expect(original.chain == ["edge"])
        #expect(original.attributes.isEmpty)
        #expect(copy.chain == ["edge", "gateway"])
        original.workload = Self.gateway
        #expect(copy.workload == nil)
    }

    @Test("equality and hashing follow the values, not the storage")
    func equalityFollowsValues() {
        var built = AuthContext()
        built.caller = Self.gateway
        built.chain = ["edge"]
        let direct = AuthContext(caller: Self.gateway, chain: ["edge"])
        #expect(built == direct)
        #expect(built.hashValue == direct.hashValue)
        #expect(Set([built, direct]).count == 1)
        #expect(AuthContext() == AuthContext(chain: []))
        #expect(built != AuthContext(caller: Self.gateway, chain: ["other"]))
    }
}
