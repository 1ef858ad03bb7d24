import Foundation
import ServiceAuth
import Testing

@Suite("IAM-style policy documents")
struct PolicyDocumentTests {
    let api = ExecuteAPIResource(region: "us-east-1", accountId: "123456789012", apiId: "local", stage: "prod")

    @Test("wildcards", arguments: [
        ("*", "", true), ("*", "anything/at/all", true), ("a*c", "abc", true), ("a*c", "ac", true),
        ("a*c", "ab", false), ("a?c", "abc", true), ("a?c", "ac", false), ("orders/*", "orders/1/items", true),
        ("orders/*", "orders", false), ("*a*a*a*a*a*a*b", String(repeating: "a", count: 200), false),
        ("exact", "exact", true), ("exact", "Exact", false),
        // A `*` in the value is text; the pattern's `*` stays a wildcard over it.
        ("orders/*/secret", "orders/*/a/secret", true), ("a*", "a*", true), ("*x", "**x", true), ("a*c", "a*bc", true), ("a?c", "a*c", true),
        // Non-ASCII: `?` is one scalar (é is two UTF-8 bytes), `*` any run of scalars.
        ("caf?", "caf\u{E9}", true), ("caf??", "caf\u{E9}", false), ("caf*", "caf\u{E9}", true), ("*\u{E9}", "caf\u{E9}", true),
        ("*\u{E9}*", "\u{E8}\u{E9}\u{EA}", true), ("*\u{E9}", "caf\u{E8}", false), ("\u{1F600}?", "\u{1F600}\u{1F601}", true),
    ])
    func wildcard(pattern: String, value: String, expected: Bool) {
        #expect(WildcardPattern.matches(pattern, value) == expected)
    }

    @Test("wildcards ignoring case fold letters only", arguments: [
        ("Execute-API:*", "execute-api:Invoke", true), ("execute-api:invoke", "EXECUTE-API:INVOKE", true),
        ("s3:Get?bject", "S3:GETOBJECT", true), ("a[b", "A{B", false), ("a@b", "a`b", false), ("a_b", "a\u{7F}b", false),
        ("caf\u{C9}:*", "caf\u{E9}:x", true), ("caf\u{C9}", "cafe", false),
    ])
    func wildcardIgnoringCase(pattern: String, value: String, expected: Bool) {
        #expect(WildcardPattern.matches(pattern, value, ignoringCase: true) == expected)
    }

    @Test("explicit deny wins over allow; no match is an implicit deny")
    func denyWins() {
        let policy = PolicyDocument(statements: [
            .init(effect: .allow, actions: ["execute-api:Invoke"], resources: [api.pattern(method: "*", path: "*")]),
            .init(effect: .deny, actions: ["execute-api:*"], resources: [api.pattern(method: "POST", path: "orders")]),
        ])
        #expect(policy.evaluate(action: "execute-api:Invoke", resource: api.methodArn(method: .get, path: "/orders/1")) == .allow)
        #expect(policy.evaluate(action: "execute-api:Invoke", resource: api.methodArn(method: .post, path: "/orders")) == .explicitDeny)
        #expect(policy.evaluate(action: "s3:GetObject", resource: api.methodArn(method: .get, path: "/orders/1")) == .implicitDeny)
        #expect(PolicyDocument(statements: []).evaluate(action: "execute-api:Invoke", resource: "x") == .implicitDeny)
    }

    @Test("actions match case-insensitively, resources case-sensitively")
    func caseRules() {
        let policy = PolicyDocument(statements: [
            .init(effect: .allow, actions: ["Execute-API:invoke"], resources: [api.pattern(method: "GET", path: "orders/*")])
        ])
        #expect(policy.evaluate(action: "execute-api:Invoke", resource: api.methodArn(method: .get, path: "/orders/1")) == .allow)
        #expect(policy.evaluate(action: "execute-api:Invoke", resource: api.methodArn(method: .get, path: "/ORDERS/1")) == .implicitDeny)
    }

    @Test("decodes AWS's JSON, with string or array Action/Resource")
    func decoding() throws {
        let json = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/orders/*"},
              {"Effect":"Deny","Action":["execute-api:Invoke"],"Resource":["arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/orders/secret"]}]}
            """
        let policy = try JSONDecoder().decode(PolicyDocument.self, from: Data(json.utf8))
        #expect(policy.statements.count == 2)
        #expect(policy.evaluate(action: "execute-api:Invoke", resource: api.methodArn(method: .get, path: "/orders/7")) == .allow)
        #expect(policy.evaluate(action: "execute-api:Invoke", resource: api.methodArn(method: .get, path: "/orders/secret")) == .explicitDeny)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(PolicyDocument.self, from: Data(#"{"Version":"x","Statement":[{"Effect":"Maybe","Action":"a","Resource":"b"}]}"#.utf8))
        }
    }

    @Test("method ARNs name the path the router serves, without query or leading slash")
    func methodArn() {
        #expect(api.methodArn(method: .get, path: "/orders/42?x=1")
            == "arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/orders/42")
        // The path the router serves: empty segments dropped, segments decoded, `/` kept encoded.
        #expect(api.methodArn(method: .get, path: "//orders//%34%32/")
            == "arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/orders/42")
        #expect(api.methodArn(method: .get, path: "/a%2Fb")
            == "arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/a%2Fb")
        #expect(api.methodArn(method: .get, path: "") == "arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/")
    }
}
