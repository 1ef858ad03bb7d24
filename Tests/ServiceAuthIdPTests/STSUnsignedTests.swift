import Foundation
import HTTPTypes
import Testing
@testable import ServiceAuthIdP

@Suite struct STSUnsignedTests {
    let issuer: LocalIssuer

    init() throws {
        issuer = try LocalIssuer(options: .init(issuerBase: "http://idp.test"), signingKey: TestSigningKey.shared)
    }

    /// Unsigned or garbled requests get STS's `<ErrorResponse>`, never a server error, and learn
    /// nothing about actions or roles before authenticating.
    @Test(arguments: [
        (HTTPRequest.Method.post, "/", "Action=GetCallerIdentity&Version=2011-06-15"),
        (.post, "/", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/orders&RoleSessionName=s1"),
        (.post, "/", "%%%"),
        (.post, "/", "\u{0}<xml>&&&=="),
        (.get, "/?Action=GetCallerIdentity&Version=2011-06-15", ""),
        (.get, "/", ""),
    ])
    func unsignedRequestsAreRefused(method: HTTPRequest.Method, path: String, body: String) async throws {
        let (response, text) = try await send(issuer, method, path, headers: formHeaders(), body: body)
        #expect(response.status == .forbidden)
        #expect(response.headerFields[.contentType] == "text/xml")
        #expect(text.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"))
        #expect(text.contains("<Type>Sender</Type>"))
        #expect(text.contains("<Code>MissingAuthenticationToken</Code>"))
        #expect(text.contains("<RequestId>"))
    }

    @Test func oversizedBodyGetsAnSTSError() async throws {
        let (response, text) = try await send(issuer, .post, "/", headers: formHeaders(), body: String(repeating: "A", count: 100_000))
        #expect(response.status == .contentTooLarge)
        #expect(text.contains("<ErrorResponse"))
    }

    @Test func xmlEscaping() {
        #expect(XMLText.escape("<a&b>\"'\u{1}") == "&lt;a&amp;b&gt;&quot;&apos;\u{FFFD}")
    }

    @Test(arguments: ["ab", "orders-test", "a_b+c=d,e.f@g-h", String(repeating: "x", count: 64)])
    func validSessionNames(name: String) {
        #expect(LocalIssuer.isValidSessionName(name))
    }

    @Test(arguments: ["a", "", "with space", "slash/x", "é-accent", String(repeating: "x", count: 65), "new\nline"])
    func invalidSessionNames(name: String) {
        #expect(!LocalIssuer.isValidSessionName(name))
    }
}
