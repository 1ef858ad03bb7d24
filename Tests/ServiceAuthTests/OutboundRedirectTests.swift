import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Synchronization
import Testing

/// Every outbound client of the package follows no redirect: a redirect answer is an error
/// naming its status, and the redirect's target receives nothing — no user token, no identity
/// chain, no session token, no client secret.
@Suite("Outbound calls never follow redirects")
struct OutboundRedirectTests {
    /// Counts every request that reaches it, on any path and method.
    final class Trap: Sendable {
        private let hits = Mutex(0)
        var count: Int { hits.withLock { $0 } }

        var router: Router {
            var router = Router()
            let record: RouteHandler = { _, _, _ in
                self.hits.withLock { $0 += 1 }
                return Responses.json(["keys": [String]()])
            }
            for method in [HTTPRequest.Method.get, .post] {
                router.on(method, "/", record)
                router.on(method, "/**", record)
            }
            return router
        }
    }

    /// A server that answers every request with `status` and `Location: {target}{path}`.
    static func redirector(to target: String, status: HTTPResponse.Status) -> Router {
        var router = Router()
        let redirect: RouteHandler = { request, _, _ in
            var response = HTTPResponse(status: status)
            response.headerFields[.location] = target + (request.path ?? "/")
            return (response, MessageBody())
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on(method, "/", redirect)
            router.on(method, "/**", redirect)
        }
        return router
    }

    /// Runs `body` with a trap server and a server redirecting to it.
    static func withRedirect(
        status: HTTPResponse.Status = .found,
        _ body: (_ redirectorURL: String, _ trap: Trap) async throws -> Void
    ) async throws {
        let trap = Trap()
        try await withTestServer(router: trap.router) { trapURL in
            try await withTestServer(router: redirector(to: trapURL, status: status)) { redirectorURL in
                try await body(redirectorURL, trap)
            }
        }
        return
    }

    @Test("a service call carrying the user's token and the chain is refused at the redirect",
          arguments: [HTTPResponse.Status.movedPermanently, .found, .seeOther, .temporaryRedirect, .permanentRedirect])
    func serviceCall(status: HTTPResponse.Status) async throws {
        try await Self.withRedirect(status: status) { redirectorURL, trap in
            var fields = HTTPFields()
            fields[HTTPField.Name("X-Forwarded-Authorization")!] = "Bearer user.jwt.token"
            fields[HTTPField.Name("X-Auth-Chain")!] = "gateway"
            fields[HTTPField.Name("X-Amz-Security-Token")!] = "session-token"
            do {
                _ = try await ServiceHTTPClient().get(redirectorURL + "/orders/1", headerFields: fields)
                Issue.record("the redirect was followed")
            } catch let error as HTTPTransportError {
                #expect(error.redirectStatus == status.code)
                #expect(error.description.contains("\(status.code)"))
            }
            #expect(trap.count == 0)
        }
    }

    @Test("a JWKS fetch that is redirected fails with jwks_unavailable")
    func jwksFetch() async throws {
        try await Self.withRedirect { redirectorURL, trap in
            let jwks = JWKSCache(jwksURI: URL(string: redirectorURL + "/.well-known/jwks.json")!, transport: AsyncHTTPTransport())
            await #expect(throws: JWTError.self) { try await jwks.hydrate() }
            #expect(trap.count == 0)
        }
    }

    @Test("a token-endpoint request that is redirected fails without retrying, and the secret goes nowhere")
    func tokenEndpoint() async throws {
        try await Self.withRedirect(status: .temporaryRedirect) { redirectorURL, trap in
            let provider = ClientCredentialsTokenProvider(
                configuration: .init(tokenEndpoint: URL(string: redirectorURL + "/oauth2/token")!, clientId: "gateway", clientSecret: "gateway-secret"),
                transport: AsyncHTTPTransport()
            )
            do {
                _ = try await provider.accessToken()
                Issue.record("a token was returned")
            } catch let error as TokenProviderError {
                #expect(error.code == .invalidResponse)
                #expect(error.message.contains("307"))
            }
            #expect(trap.count == 0)
        }
    }

    @Test("an STS AssumeRole call that is redirected fails, and the signed request goes nowhere")
    func assumeRole() async throws {
        try await Self.withRedirect(status: .temporaryRedirect) { redirectorURL, trap in
            let provider = AssumeRoleCredentialsProvider(
                configuration: .init(roleArn: "arn:aws:iam::123456789012:role/orders", roleSessionName: "orders", stsEndpoint: URL(string: redirectorURL)!),
                sourceCredentials: StaticCredentialsProvider(accessKeyId: "AKIAORDERSSERVICE001", secretAccessKey: "orders-service-secret-access-key"),
                transport: AsyncHTTPTransport()
            )
            await #expect(throws: (any Error).self) { _ = try await provider.credentials() }
            #expect(trap.count == 0)
        }
    }

    @Test("a transport failure names no address")
    func connectionFailureHidesTheAddress() async throws {
        // A port that was just free: nothing listens there.
        let closedURL = try await withTestServer(router: Router()) { $0 }
        do {
            _ = try await ServiceHTTPClient().get(closedURL + "/x")
            Issue.record("the request succeeded")
        } catch {
            #expect(error as? HTTPTransportError == .connectionFailed)
            #expect(!"\(error)".contains("127.0.0.1"))
        }
        let jwks = JWKSCache(jwksURI: URL(string: closedURL + "/jwks.json")!, transport: AsyncHTTPTransport())
        do {
            try await jwks.hydrate()
            Issue.record("keys were loaded")
        } catch {
            #expect(error.code == .jwksUnavailable)
            #expect(!error.message.contains("127.0.0.1"))
            #expect(!error.message.contains(closedURL.split(separator: ":").last.map(String.init) ?? "-"))
        }
    }
}
