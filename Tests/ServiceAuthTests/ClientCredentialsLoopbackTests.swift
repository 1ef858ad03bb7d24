import Foundation
import HTTPTypes
import Logging
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Synchronization
import Testing

/// A token endpoint served over loopback HTTP: counts requests, records what the client sent,
/// and answers as scripted, like `TokenTestTransport` but behind a real socket.
final class TokenTestEndpoint: Sendable {
    struct Seen: Sendable {
        var authorization: String?
        var contentType: String?
        var body: String
    }

    private struct State {
        var behavior: TokenTestTransport.Behavior
        var seen: [Seen] = []
    }

    private let state: Mutex<State>

    init(_ behavior: TokenTestTransport.Behavior) { state = Mutex(State(behavior: behavior)) }

    var requestCount: Int { state.withLock { $0.seen.count } }
    var seen: [Seen] { state.withLock { $0.seen } }
    func setBehavior(_ behavior: TokenTestTransport.Behavior) { state.withLock { $0.behavior = behavior } }

    var router: Router {
        var router = Router()
        router.post("/oauth2/token") { request, body, _ in
            let text = String(decoding: try await body.collect(upTo: 1 << 16), as: UTF8.self)
            let (behavior, number) = self.state.withLock { state in
                state.seen.append(Seen(authorization: request.headerFields[.authorization], contentType: request.headerFields[.contentType], body: text))
                return (state.behavior, state.seen.count)
            }
            return try await Self.respond(behavior, number: number)
        }
        return router
    }

    private static func respond(_ behavior: TokenTestTransport.Behavior, number: Int) async throws -> (HTTPResponse, MessageBody) {
        switch behavior {
        case .token(let prefix, let expiresIn):
            return json(200, #"{"access_token":"\#(prefix)\#(number)","expires_in":\#(expiresIn),"token_type":"Bearer"}"#)
        case .raw(let status, let body):
            return json(status, body)
        case .oauthError(let status, let code):
            return json(status, #"{"error":"\#(code)"}"#)
        case .refuse, .hang:
            // A server cannot refuse once it has accepted; the tests stop the server (refused)
            // or gate the handler (hang) instead.
            return json(500, "{}")
        case .gated(let gate, let then):
            await gate.wait()
            return try await respond(then, number: number)
        }
    }

    private static func json(_ status: Int, _ body: String) -> (HTTPResponse, MessageBody) {
        Responses.bytes(Array(body.utf8), contentType: "application/json", status: HTTPResponse.Status(code: status))
    }
}

/// Percent-decodes one `application/x-www-form-urlencoded` component, as a server would.
private func formDecode(_ value: Substring) -> String? {
    value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
}

private func form(_ body: String) -> [String: String] {
    var result: [String: String] = [:]
    for pair in body.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let name = formDecode(parts[0]), let value = formDecode(parts[1]) else { continue }
        result[name] = value
    }
    return result
}

private func configuration(
    _ baseURL: String,
    scopes: [String] = ["orders/invoke"],
    authMethod: ClientCredentialsTokenProvider.Configuration.AuthMethod = .clientSecretBasic,
    timeout: Duration = .seconds(5)
) -> ClientCredentialsTokenProvider.Configuration {
    ClientCredentialsTokenProvider.Configuration(
        tokenEndpoint: URL(string: baseURL + "/oauth2/token")!,
        clientId: "gateway-client",
        clientSecret: "gateway-secret",
        scopes: scopes,
        authMethod: authMethod,
        retry: .init(maxAttempts: 3, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)),
        requestTimeout: timeout
    )
}

@Suite("Client credentials over loopback HTTP")
struct ClientCredentialsLoopbackTests {
    @Test("1,000 concurrent callers at a cold start: the endpoint sees exactly one request")
    func coldStart() async throws {
        let gate = TokenTestGate()
        let endpoint = TokenTestEndpoint(.gated(gate, then: .token(prefix: "t", expiresIn: 3600)))
        try await withTestServer(router: endpoint.router) { baseURL in
            defer { gate.open() }
            let provider = ClientCredentialsTokenProvider(configuration: configuration(baseURL), transport: AsyncHTTPTransport(), logger: .tokenTest)
            let tokens = try await tokenTestWithDeadline {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<1000 { group.addTask { try await provider.accessToken() } }
                    await tokenTestWaitUntil("the token request arrives") { endpoint.requestCount >= 1 }
                    gate.open()
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
            }
            #expect(tokens.count == 1000)
            #expect(Set(tokens) == ["t1"])
            #expect(endpoint.requestCount == 1)
        }
    }

    @Test("refresh ahead: while the endpoint blocks the refresh, callers get the valid token at once")
    func refreshAhead() async throws {
        let clock = TokenTestClock()
        let endpoint = TokenTestEndpoint(.token(prefix: "t", expiresIn: 3600))
        let gate = TokenTestGate()
        try await withTestServer(router: endpoint.router) { baseURL in
            defer { gate.open() }
            let provider = ClientCredentialsTokenProvider(
                configuration: configuration(baseURL),
                transport: AsyncHTTPTransport(),
                now: clock.now,
                logger: .tokenTest
            )
            #expect(try await provider.accessToken() == "t1")
            endpoint.setBehavior(.gated(gate, then: .token(prefix: "t", expiresIn: 3600)))
            clock.advance(by: 3000)
            let during = try await tokenTestWithDeadline {
                var seen: [String] = []
                for _ in 0..<100 { seen.append(try await provider.accessToken()) }
                return seen
            }
            #expect(Set(during) == ["t1"])
            await tokenTestWaitUntil("the refresh request arrives") { endpoint.requestCount == 2 }
            #expect(try await tokenTestWithDeadline { try await provider.accessToken() } == "t1")
            gate.open()
            await tokenTestWaitUntil("the refreshed token is served") { (try? await provider.accessToken()) == "t2" }
            #expect(endpoint.requestCount == 2)
        }
    }

    enum Outage: String, CaseIterable, Sendable { case connectionRefused, status500, hangPastTimeout }

    @Test("issuer down while the token is valid: every call succeeds; after expiry: issuer_unavailable", arguments: Outage.allCases)
    func issuerDown(outage: Outage) async throws {
        let clock = TokenTestClock()
        let endpoint = TokenTestEndpoint(.token(prefix: "t", expiresIn: 3600))
        let gate = TokenTestGate()
        let metrics = TokenTestMetrics()
        let makeProvider: @Sendable (String) -> ClientCredentialsTokenProvider = { baseURL in
            ClientCredentialsTokenProvider(
                // Short enough to make the hang case quick, long enough for a loaded machine.
                configuration: configuration(baseURL, timeout: .seconds(1)),
                transport: AsyncHTTPTransport(),
                now: clock.now,
                logger: .tokenTest,
                metricsFactory: metrics
            )
        }
        switch outage {
        case .connectionRefused:
            // Obtain the first token from a live server, then stop it: its port now refuses.
            let (provider, first) = try await withTestServer(router: endpoint.router) { baseURL async throws -> (ClientCredentialsTokenProvider, String) in
                let provider = makeProvider(baseURL)
                return (provider, try await provider.accessToken())
            }
            let requestsBefore = endpoint.requestCount
            try await expectValidUntilExpiry(provider, token: first, clock: clock, metrics: metrics)
            #expect(endpoint.requestCount == requestsBefore)  // nothing reached the stopped server
        case .status500, .hangPastTimeout:
            try await withTestServer(router: endpoint.router) { baseURL in
                defer { gate.open() }
                let provider = makeProvider(baseURL)
                let first = try await provider.accessToken()
                let requestsBefore = endpoint.requestCount
                endpoint.setBehavior(
                    outage == .status500 ? .raw(status: 500, body: "{}") : .gated(gate, then: .token(prefix: "late", expiresIn: 3600))
                )
                try await expectValidUntilExpiry(provider, token: first, clock: clock, metrics: metrics)
                #expect(endpoint.requestCount > requestsBefore)
            }
        }
    }

    /// With the issuer failing: callers keep getting the cached token through the refresh window
    /// and the failed background refresh, then get `issuer_unavailable` once it expired.
    private func expectValidUntilExpiry(
        _ provider: ClientCredentialsTokenProvider,
        token: String,
        clock: TokenTestClock,
        metrics: TokenTestMetrics
    ) async throws {
        clock.advance(by: 3000)  // inside the refresh window (720 s before expiry)
        for _ in 0..<20 { #expect(try await provider.accessToken() == token) }
        await tokenTestWaitUntil("the background refresh gives up") {
            metrics.value("serviceauth_token_failures_total", [("code", "issuer_unavailable")]) >= 1
        }
        clock.advance(by: 500)  // 100 s left: still valid
        for _ in 0..<20 { #expect(try await provider.accessToken() == token) }
        clock.advance(by: 100)  // expired
        let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        #expect(error?.code == .issuerUnavailable)
    }

    @Test("invalid_client: a typed error after exactly one request")
    func invalidClient() async throws {
        let endpoint = TokenTestEndpoint(.oauthError(status: 400, code: "invalid_client"))
        try await withTestServer(router: endpoint.router) { baseURL in
            let provider = ClientCredentialsTokenProvider(configuration: configuration(baseURL), transport: AsyncHTTPTransport(), logger: .tokenTest)
            let codes = try await tokenTestWithDeadline {
                await withTaskGroup(of: TokenProviderError.Code?.self) { group in
                    for _ in 0..<50 {
                        group.addTask {
                            do {
                                _ = try await provider.accessToken()
                                return nil
                            } catch {
                                return (error as? TokenProviderError)?.code
                            }
                        }
                    }
                    return await group.reduce(into: [TokenProviderError.Code?]()) { $0.append($1) }
                }
            }
            #expect(codes.count == 50)
            #expect(codes.allSatisfy { $0 == .invalidClient })
            #expect(endpoint.requestCount == 1)
        }
    }

    @Test("different scope sets get separate tokens from the endpoint")
    func scopeSets() async throws {
        let endpoint = TokenTestEndpoint(.token(prefix: "t", expiresIn: 3600))
        try await withTestServer(router: endpoint.router) { baseURL in
            let cache = TokenCache(transport: AsyncHTTPTransport(), logger: .tokenTest)
            let read = try await cache.accessToken(for: configuration(baseURL, scopes: ["orders/read"]))
            let write = try await cache.accessToken(for: configuration(baseURL, scopes: ["orders/write"]))
            #expect(read != write)
            #expect(try await cache.accessToken(for: configuration(baseURL, scopes: ["orders/read"])) == read)
            #expect(endpoint.seen.map { form($0.body)["scope"] } == ["orders/read", "orders/write"])
        }
    }

    @Test("client_secret_basic and client_secret_post decode to the original id and secret on the server", arguments: [
        ClientCredentialsTokenProvider.Configuration.AuthMethod.clientSecretBasic, .clientSecretPost,
    ])
    func authMethods(method: ClientCredentialsTokenProvider.Configuration.AuthMethod) async throws {
        let endpoint = TokenTestEndpoint(.token(prefix: "t", expiresIn: 3600))
        try await withTestServer(router: endpoint.router) { baseURL in
            var config = configuration(baseURL, authMethod: method)
            config.clientId = "svc:a b"
            config.clientSecret = "s%é+/:=&"
            let provider = ClientCredentialsTokenProvider(configuration: config, transport: AsyncHTTPTransport(), logger: .tokenTest)
            #expect(try await provider.accessToken() == "t1")
            let seen = try #require(endpoint.seen.first)
            #expect(seen.contentType == "application/x-www-form-urlencoded")
            let fields = form(seen.body)
            #expect(fields["grant_type"] == "client_credentials")
            switch method {
            case .clientSecretBasic:
                let header = try #require(seen.authorization)
                #expect(header.hasPrefix("Basic "))
                let decoded = String(decoding: Data(base64Encoded: String(header.dropFirst(6))) ?? Data(), as: UTF8.self)
                let parts = decoded.split(separator: ":", maxSplits: 1)
                #expect(parts.count == 2)
                #expect(parts.first.flatMap(formDecode) == "svc:a b")
                #expect(parts.last.flatMap(formDecode) == "s%é+/:=&")
                #expect(fields["client_secret"] == nil)
            case .clientSecretPost:
                #expect(seen.authorization == nil)
                #expect(fields["client_id"] == "svc:a b")
                #expect(fields["client_secret"] == "s%é+/:=&")
            }
        }
    }
}
