import Foundation
import HTTPTypes
import Testing

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// A SigV4 signature is bound to this service and this request: the signed host must be one of
/// the service's names, the verified path is the routed path, identity headers count only when
/// signed, and a signed write is accepted once.
@Suite("SigV4 binds the signature to this service and this request")
struct SigV4BindingTests {
    static let accessKeyId = "AKIABINDINGTEST00001"
    static let secret = "bindingTestSecret/abcdefghijklmnopqrstu"
    static let now = Date(timeIntervalSince1970: 1_764_000_000)
    let credentials = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret)
    let signer = SigV4Signer(region: "us-east-1", service: "execute-api")

    func verifier(_ hosts: SigV4AcceptedHosts, _ configure: (inout SigV4Verifier.Configuration) -> Void = { _ in }) -> SigV4Verifier {
        var configuration = SigV4Verifier.Configuration(region: "us-east-1", service: "execute-api", acceptedHosts: hosts)
        configure(&configuration)
        return SigV4Verifier(
            configuration: configuration,
            credentialStore: FixedCredentialStore(accessKeyId: Self.accessKeyId, secretAccessKey: Self.secret, principal: "arn:aws:iam::123456789012:role/orders"),
            now: { Self.now }
        )
    }

    func request(_ method: HTTPRequest.Method = .get, authority: String = "inventory.internal:8443", path: String = "/items/1") -> HTTPRequest {
        HTTPRequest(method: method, scheme: "https", authority: authority, path: path)
    }

    func code(_ body: () async throws -> SigV4VerifiedRequest) async -> SigV4Error.Code? {
        do {
            _ = try await body()
            return nil
        } catch let error as SigV4Error {
            return error.code
        } catch {
            return nil
        }
    }

    // MARK: Host

    @Test func aSignatureForAnotherHostIsRefused() async throws {
        let verifier = verifier(.names(["inventory.internal"]))
        let mine = signer.sign(request(), credentials: credentials, date: Self.now).request
        _ = try await verifier.verify(mine, body: [])
        let theirs = signer.sign(request(authority: "billing.internal:8443"), credentials: credentials, date: Self.now).request
        #expect(await code { try await verifier.verify(theirs, body: []) } == .signatureDoesNotMatch)
    }

    @Test func hostNamesMatchCaseInsensitivelyWithOrWithoutPort() {
        let names = SigV4AcceptedHosts.names(["Inventory.Internal", "api.example:8443", "[::1]"])
        #expect(names.accepts("inventory.internal"))
        #expect(names.accepts("INVENTORY.internal:9000"))
        #expect(names.accepts("api.example:8443"))
        #expect(!names.accepts("api.example:9443"))
        #expect(!names.accepts("api.example"))
        #expect(names.accepts("[::1]:80"))
        #expect(!names.accepts("inventory.internal.evil"))
        #expect(!names.accepts("evil.inventory.internal"))
        // Not an authority: a bracketed literal with trailing text, userinfo.
        #expect(!names.accepts("[::1].evil"))
        #expect(!names.accepts("user@inventory.internal"))
    }

    @Test func theListeningAddressIsAcceptedOnlyOnItsOwnPort() async throws {
        let verifier = verifier(.listening(host: "127.0.0.1"))
        for authority in ["127.0.0.1:9003", "localhost:9003", "127.0.0.1", "localhost"] {
            let signed = signer.sign(request(authority: authority), credentials: credentials, date: Self.now).request
            _ = try await verifier.verify(signed, bodySHA256: SigV4Canonical.sha256Hex([]), localPort: 9003)
        }
        // Signed for the service next door on the same machine (orders on 9002).
        let nextDoor = signer.sign(request(authority: "127.0.0.1:9002"), credentials: credentials, date: Self.now).request
        #expect(await code { try await verifier.verify(nextDoor, bodySHA256: SigV4Canonical.sha256Hex([]), localPort: 9003) } == .signatureDoesNotMatch)
        let elsewhere = signer.sign(request(authority: "10.0.0.7:9003"), credentials: credentials, date: Self.now).request
        #expect(await code { try await verifier.verify(elsewhere, bodySHA256: SigV4Canonical.sha256Hex([]), localPort: 9003) } == .signatureDoesNotMatch)
    }

    @Test func aWildcardListenerImpliesOnlyLoopbackNames() {
        let rule = SigV4AcceptedHosts.listening(host: "0.0.0.0", additionalNames: ["inventory.internal"])
        #expect(rule.accepts("127.0.0.1:80", localPort: 80))
        #expect(rule.accepts("inventory.internal"))
        #expect(!rule.accepts("0.0.0.0:80", localPort: 80))
        #expect(!rule.accepts("10.1.2.3:80", localPort: 80))
    }

    // MARK: Path

    @Test(arguments: ["/x/../items/1", "/items/./1", "/items//1", "/items/%2E%2E/items/1", "/items/%2e/1", "/./items/1", "//items/1"])
    func aPathNotInNormalFormIsRefused(_ path: String) async throws {
        let verifier = verifier(.anyHost)
        // The signer canonicalises `/x/../items/1` as `/items/1`: the signature is valid for
        // both, so only the path rule stands between it and a route the signer never named.
        let signed = signer.sign(request(path: path), credentials: credentials, date: Self.now).request
        #expect(await code { try await verifier.verify(signed, body: []) } == .signatureDoesNotMatch)
    }

    @Test func aSignatureForItems1DoesNotVerifyWithDotSegments() async throws {
        let verifier = verifier(.anyHost)
        var signed = signer.sign(request(path: "/items/1"), credentials: credentials, date: Self.now).request
        _ = try await verifier.verify(signed, body: [])
        signed.path = "/x/../items/1"
        #expect(await code { try await verifier.verify(signed, body: []) } == .signatureDoesNotMatch)
    }

    @Test(arguments: ["/", "/items/1", "/items/1/", "/items/..a", "/items/a..", "/items/%2E%2E%2E", "/items/%2F"])
    func normalPathsVerify(_ path: String) async throws {
        let signed = signer.sign(request(path: path), credentials: credentials, date: Self.now).request
        _ = try await verifier(.anyHost).verify(signed, body: [])
    }

    @Test func s3KeepsLiteralPaths() async throws {
        let s3Signer = SigV4Signer(region: "us-east-1", service: "s3")
        let verifier = SigV4Verifier(
            configuration: .init(region: "us-east-1", service: "s3", acceptedHosts: .anyHost),
            credentialStore: FixedCredentialStore(accessKeyId: Self.accessKeyId, secretAccessKey: Self.secret),
            now: { Self.now })
        let signed = s3Signer.sign(request(path: "/bucket/a//b/../c"), credentials: credentials, date: Self.now).request
        _ = try await verifier.verify(signed, body: [])
    }

    // MARK: Identity headers

    @Test(arguments: ["X-Auth-Chain", "X-Forwarded-Authorization"])
    func anUnsignedIdentityHeaderIsRefused(_ name: String) async throws {
        let verifier = verifier(.anyHost)
        let field = HTTPField.Name(name)!
        // Added after signing, by anyone on the path.
        var request = signer.sign(request(), credentials: credentials, date: Self.now).request
        request.headerFields[field] = name == "X-Auth-Chain" ? "gateway" : "Bearer forged.user.token"
        #expect(await code { try await verifier.verify(request, body: []) } == .signatureDoesNotMatch)
        // Signed along with the rest, it is accepted.
        var unsigned = self.request()
        unsigned.headerFields[field] = "gateway"
        let signed = signer.sign(unsigned, credentials: credentials, date: Self.now).request
        let verified = try await verifier.verify(signed, body: [])
        #expect(verified.signedHeaders.contains(name.lowercased()))
    }

    // MARK: Replay

    @Test func signedWritesAreAcceptedOnceReadsRepeat() async throws {
        let verifier = verifier(.anyHost) { $0.replayCache = SigV4ReplayCache(capacity: 100) }
        let body = Array(#"{"quantity":1}"#.utf8)
        let post = signer.sign(request(.post, path: "/items/1/reserve"), body: body, credentials: credentials, date: Self.now).request
        _ = try await verifier.verify(post, body: body)
        #expect(await code { try await verifier.verify(post, body: body) } == .requestExpired)
        // A GET is idempotent: retries and identical reads in the same second stay possible.
        let get = signer.sign(request(), credentials: credentials, date: Self.now).request
        _ = try await verifier.verify(get, body: [])
        _ = try await verifier.verify(get, body: [])
    }

    @Test func theSigningMiddlewareMakesIdenticalWritesDistinct() async throws {
        let verifier = verifier(.anyHost) { $0.replayCache = SigV4ReplayCache(capacity: 100) }
        let chain = ClientMiddlewareChain([
            SigV4SigningMiddleware(
                signer: signer, credentialsProvider: StaticCredentialsProvider(accessKeyId: Self.accessKeyId, secretAccessKey: Self.secret),
                now: { Self.now })
        ])
        for _ in 0..<3 {
            _ = try await chain.run(request(.post, path: "/items/1/reserve"), body: MessageBody("{}")) { request, body in
                let bytes = try await body.collect(upTo: 1024)
                let verified = try await verifier.verify(request, body: bytes)
                #expect(verified.signedHeaders.contains("x-request-nonce"))
                return (HTTPResponse(status: .ok), MessageBody())
            }
        }
    }
}
