import Foundation
import HTTPTypes
import ServiceAuth
import Testing

@Suite("ClientCredentialsTokenProvider")
struct ClientCredentialsTokenProviderTests {
    @Test("1,000 concurrent callers at a cold start cause exactly one token request")
    func coldStartSingleFlight() async throws {
        let gate = TokenTestGate()
        let transport = TokenTestTransport(.gated(gate, then: .token(prefix: "t", expiresIn: 3600)))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, logger: .tokenTest)
        let tokens = try await tokenTestWithDeadline {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<1000 { group.addTask { try await provider.accessToken() } }
                // Hold the one request until it has arrived, so the callers pile up behind it.
                await tokenTestWaitUntil("the token request arrives") { transport.requestCount >= 1 }
                gate.open()
                var tokens: [String] = []
                for try await token in group { tokens.append(token) }
                return tokens
            }
        }
        #expect(tokens.count == 1000)
        #expect(Set(tokens) == ["t1"])
        #expect(transport.requestCount == 1)
    }

    @Test("concurrent callers at expiry cause exactly one new token request")
    func expirySingleFlight() async throws {
        let clock = TokenTestClock()
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, now: clock.now, logger: .tokenTest)
        #expect(try await provider.accessToken() == "t1")
        clock.advance(by: 3600)
        let tokens = try await tokenTestWithDeadline {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<200 { group.addTask { try await provider.accessToken() } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
        }
        #expect(tokens == ["t2"])
        #expect(transport.requestCount == 2)
    }

    @Test("a token is served from the cache until its refresh window, without new requests")
    func cacheHits() async throws {
        let clock = TokenTestClock()
        let metrics = TokenTestMetrics()
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, now: clock.now, logger: .tokenTest, metricsFactory: metrics)
        #expect(try await provider.accessToken() == "t1")
        // Default policy: refresh when less than max(20% of 3600 s, 60 s) = 720 s is left.
        clock.advance(by: 3600 - 720 - 1)
        for _ in 0..<50 { #expect(try await provider.accessToken() == "t1") }
        #expect(metrics.value("serviceauth_token_refreshes_total") == 0)
        #expect(metrics.value("serviceauth_token_cache_hits_total") == 50)
        #expect(metrics.value("serviceauth_token_cache_misses_total") == 1)
        #expect(metrics.value("serviceauth_token_requests_total", [("result", "success")]) == 1)
        #expect(transport.requestCount == 1)
    }

    @Test("refresh ahead of expiry happens in the background: callers get the valid token while the issuer blocks")
    func refreshAheadWithoutWaiting() async throws {
        let clock = TokenTestClock()
        let metrics = TokenTestMetrics()
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, now: clock.now, logger: .tokenTest, metricsFactory: metrics)
        #expect(try await provider.accessToken() == "t1")

        let gate = TokenTestGate()
        transport.setBehavior(.gated(gate, then: .token(prefix: "t", expiresIn: 3600)))
        clock.advance(by: 3600 - 700)  // inside the refresh window, still valid
        let during = try await tokenTestWithDeadline {
            var seen: [String] = []
            for _ in 0..<100 { seen.append(try await provider.accessToken()) }
            return seen
        }
        #expect(Set(during) == ["t1"])
        await tokenTestWaitUntil("the refresh request arrives") { transport.requestCount == 2 }
        // Still blocked: the callers above completed without waiting for it.
        #expect(try await tokenTestWithDeadline { try await provider.accessToken() } == "t1")
        #expect(metrics.value("serviceauth_token_refreshes_total") == 1)

        gate.open()
        await tokenTestWaitUntil("the refreshed token is served") { (try? await provider.accessToken()) == "t2" }
        #expect(transport.requestCount == 2)
    }

    enum Outage: String, CaseIterable, Sendable {
        case connectionRefused, status500, hangPastTimeout
        var behavior: TokenTestTransport.Behavior {
            switch self {
            case .connectionRefused: .refuse
            case .status500: .raw(status: 500, body: "oops")
            case .hangPastTimeout: .hang
            }
        }
    }

    @Test("issuer down while the token is valid: every call succeeds; after expiry: issuer_unavailable", arguments: Outage.allCases)
    func issuerDown(outage: Outage) async throws {
        let clock = TokenTestClock()
        let metrics = TokenTestMetrics()
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(
            configuration: .test(timeout: .milliseconds(100)),
            transport: transport,
            now: clock.now,
            logger: .tokenTest, metricsFactory: metrics
        )
        #expect(try await provider.accessToken() == "t1")

        transport.setBehavior(outage.behavior)
        clock.advance(by: 3600 - 700)
        for _ in 0..<20 { #expect(try await provider.accessToken() == "t1") }
        // Let the background refresh run out of attempts (3 requests), then keep calling.
        await tokenTestWaitUntil("the refresh gives up") {
            metrics.value("serviceauth_token_failures_total", [("code", "issuer_unavailable")]) == 1
        }
        #expect(transport.requestCount == 1 + 3)
        clock.advance(by: 600)  // still valid: 100 s left of which 5 s margin
        for _ in 0..<20 { #expect(try await provider.accessToken() == "t1") }

        clock.advance(by: 100)  // expired
        let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        #expect(error?.code == .issuerUnavailable)
        #expect(error?.isRetryable == true)
    }

    @Test("invalid_client is a typed error after exactly one request, for any number of callers")
    func invalidClientNoRetryStorm() async throws {
        let metrics = TokenTestMetrics()
        let transport = TokenTestTransport(.oauthError(status: 400, code: "invalid_client"))
        let provider = ClientCredentialsTokenProvider(configuration: .test(maxAttempts: 5), transport: transport, logger: .tokenTest, metricsFactory: metrics)
        let errors = try await tokenTestWithDeadline {
            await withTaskGroup(of: TokenProviderError?.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        do {
                            _ = try await provider.accessToken()
                            return nil
                        } catch {
                            return error as? TokenProviderError
                        }
                    }
                }
                return await group.reduce(into: [TokenProviderError?]()) { $0.append($1) }
            }
        }
        #expect(errors.count == 100)
        #expect(errors.allSatisfy { $0?.code == .invalidClient && $0?.httpStatus == 400 })
        #expect(errors.allSatisfy { $0?.isRetryable == false })
        #expect(transport.requestCount == 1)
        #expect(metrics.value("serviceauth_token_failures_total", [("code", "invalid_client")]) == 1)
        // The issuer's free-text description never reaches the message.
        #expect(errors.allSatisfy { !($0?.message.contains("echo") ?? true) })
    }

    @Test(
        "OAuth error responses map to typed codes without retries",
        arguments: [
            (400, "invalid_scope", "invalid_scope"),
            (400, "unauthorized_client", "unauthorized_client"),
            (400, "invalid_grant", "invalid_grant"),
            (400, "invalid_request", "invalid_request"),
            (400, "unsupported_grant_type", "unsupported_grant_type"),
            (401, "invalid_client", "invalid_client"),
            (400, "something_else", "invalid_response"),
        ]
    )
    func oauthErrors(status: Int, code: String, expected: String) async throws {
        let transport = TokenTestTransport(.oauthError(status: status, code: code))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, logger: .tokenTest)
        let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        #expect(error?.code.rawValue == expected)
        #expect(transport.requestCount == 1)
    }

    @Test(
        "hostile or broken token responses are invalid_response, never a crash",
        arguments: [
            (200, "not json"),
            (200, "[]"),
            (200, #"{"token_type":"Bearer","expires_in":3600}"#),
            (200, #"{"access_token":"","token_type":"Bearer","expires_in":3600}"#),
            (200, #"{"access_token":"a b","token_type":"Bearer","expires_in":3600}"#),
            (200, #"{"access_token":"a\r\nX-Evil: 1","token_type":"Bearer","expires_in":3600}"#),
            (200, #"{"access_token":"abc","token_type":"mac","expires_in":3600}"#),
            (200, #"{"access_token":"abc","expires_in":3600}"#),
            (200, #"{"access_token":"abc","token_type":"Bearer","expires_in":-5}"#),
            (200, #"{"access_token":"abc","token_type":"Bearer","expires_in":0}"#),
            (200, #"{"access_token":"abc","token_type":"Bearer","expires_in":1e300}"#),
            (200, #"{"access_token":"abc","token_type":"Bearer","expires_in":"soon"}"#),
            (200, #"{"access_token":42,"token_type":"Bearer","expires_in":3600}"#),
            (302, ""),
            (404, "<html>not found</html>"),
        ]
    )
    func hostileResponses(status: Int, body: String) async throws {
        let transport = TokenTestTransport(.raw(status: status, body: body))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, logger: .tokenTest)
        let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        #expect(error?.code == .invalidResponse)
        #expect(transport.requestCount == 1)
    }

    @Test("an oversized token or response body is invalid_response, not retried")
    func oversized() async throws {
        let bodies = [
            #"{"access_token":"\#(String(repeating: "a", count: 17_000))","token_type":"Bearer","expires_in":3600}"#,
            #"{"access_token":"abc","token_type":"Bearer","expires_in":3600,"pad":"\#(String(repeating: "x", count: 70_000))"}"#,
        ]
        for body in bodies {
            let transport = TokenTestTransport(.raw(status: 200, body: body))
            let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, logger: .tokenTest)
            let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
            #expect(error?.code == .invalidResponse)
            #expect(transport.requestCount == 1)
        }
    }

    @Test("expires_in as a string and a case-insensitive token type are accepted")
    func lenientButValidResponse() async throws {
        let transport = TokenTestTransport(.raw(status: 200, body: #"{"access_token":"eyJ.abc-_~+/=","token_type":"bearer","expires_in":"3600"}"#))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, logger: .tokenTest)
        #expect(try await provider.accessToken() == "eyJ.abc-_~+/=")
    }

    @Test("5xx and 429 are retried up to maxAttempts, then issuer_unavailable", arguments: [500, 502, 503, 429])
    func transientStatusesAreRetried(status: Int) async throws {
        let transport = TokenTestTransport(.raw(status: status, body: "{}"))
        let provider = ClientCredentialsTokenProvider(configuration: .test(maxAttempts: 4), transport: transport, logger: .tokenTest)
        let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        #expect(error?.code == .issuerUnavailable)
        #expect(error?.httpStatus == status)
        #expect(transport.requestCount == 4)
    }

    @Test("after a failure, callers without a token get the remembered error until the cooldown ends")
    func failureCooldown() async throws {
        let clock = TokenTestClock()
        let transport = TokenTestTransport(.refuse)
        let provider = ClientCredentialsTokenProvider(configuration: .test(maxAttempts: 2), transport: transport, now: clock.now, logger: .tokenTest)
        for _ in 0..<10 {
            await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        }
        #expect(transport.requestCount == 2)
        transport.setBehavior(.token(prefix: "t", expiresIn: 3600))
        clock.advance(by: 2.5)  // past the default 2 s cooldown
        #expect(try await provider.accessToken() == "t3")
    }

    @Test("a waiting caller that is cancelled stops waiting; the fetch goes on for the others")
    func cancelledWaiter() async throws {
        let gate = TokenTestGate()
        let transport = TokenTestTransport(.gated(gate, then: .token(prefix: "t", expiresIn: 3600)))
        let provider = ClientCredentialsTokenProvider(configuration: .test(), transport: transport, logger: .tokenTest)
        let cancelled = Task { try await provider.accessToken() }
        let patient = Task { try await provider.accessToken() }
        await tokenTestWaitUntil("the token request arrives") { transport.requestCount == 1 }
        cancelled.cancel()
        let outcome = await tokenTestWithDeadlineResult { try await cancelled.value }
        #expect(outcome == "cancelled")
        gate.open()
        #expect(try await tokenTestWithDeadline { try await patient.value } == "t1")
        #expect(transport.requestCount == 1)
    }

    @Test("releasing the provider cancels the fetch it owns")
    func deinitCancelsFetch() async throws {
        let clock = TokenTestClock()
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        var provider: ClientCredentialsTokenProvider? = ClientCredentialsTokenProvider(
            configuration: .test(timeout: .seconds(3600)),
            transport: transport,
            now: clock.now,
            logger: .tokenTest
        )
        #expect(try await provider?.accessToken() == "t1")
        transport.setBehavior(.hang)
        clock.advance(by: 3000)
        #expect(try await provider?.accessToken() == "t1")  // starts the background refresh
        await tokenTestWaitUntil("the refresh request is in flight") { transport.requestCount == 2 }
        #expect(transport.cancelledCount == 0)
        provider = nil
        await tokenTestWaitUntil("the refresh is cancelled") { transport.cancelledCount == 1 }
        #expect(transport.requestCount == 2)
    }

    @Test("plain http to a non-loopback host is refused before any request", arguments: [
        "http://issuer.example.com/oauth2/token", "ftp://127.0.0.1/token", "not a url", "http://user@127.0.0.1/token",
    ])
    func insecureEndpointRefused(endpoint: String) async throws {
        var configuration = ClientCredentialsTokenProvider.Configuration.test()
        // A string URL(string:) cannot parse never becomes an endpoint at all.
        guard let url = URL(string: endpoint) else { return }
        configuration.tokenEndpoint = url
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(configuration: configuration, transport: transport, logger: .tokenTest)
        let error = await #expect(throws: TokenProviderError.self) { try await provider.accessToken() }
        #expect(error?.code == .invalidConfiguration)
        #expect(transport.requestCount == 0)
    }

    @Test("plain http is allowed on loopback hosts and when explicitly enabled", arguments: [
        ("http://127.0.0.1:8080/oauth2/token", false), ("http://localhost/oauth2/token", false), ("http://[::1]:9/t", false),
        ("http://issuer.internal/oauth2/token", true), ("https://issuer.example.com/oauth2/token", false),
    ])
    func allowedEndpoints(endpoint: String, allowInsecure: Bool) async throws {
        var configuration = ClientCredentialsTokenProvider.Configuration.test()
        configuration.tokenEndpoint = try #require(URL(string: endpoint))
        configuration.allowInsecureHTTP = allowInsecure
        let transport = TokenTestTransport(.token(prefix: "t", expiresIn: 3600))
        let provider = ClientCredentialsTokenProvider(configuration: configuration, transport: transport, logger: .tokenTest)
        #expect(try await provider.accessToken() == "t1")
    }

    @Test("the configuration's description and mirror never show the secret")
    func secretRedacted() {
        let configuration = ClientCredentialsTokenProvider.Configuration.test()
        #expect(!String(describing: configuration).contains("gateway-secret"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("gateway-secret"))
        #expect(String(describing: configuration).contains("gateway-client"))
    }

    @Test("refresh lead: 20% of the lifetime or 60 s, whichever comes first, at most half the lifetime", arguments: [
        (3600.0, 720.0), (300.0, 60.0), (100.0, 50.0), (86400.0, 17280.0),
    ])
    func refreshLead(lifetime: Double, expected: Double) {
        #expect(ClientCredentialsTokenProvider.RefreshPolicy().refreshLead(forLifetime: lifetime) == expected)
    }

    @Test("backoff grows exponentially and is capped")
    func backoffCeiling() {
        let policy = ClientCredentialsTokenProvider.RetryPolicy(initialBackoff: .milliseconds(200), maxBackoff: .seconds(1), multiplier: 2)
        #expect(policy.backoffCeiling(afterAttempt: 1) == 0.2)
        #expect(policy.backoffCeiling(afterAttempt: 2) == 0.4)
        #expect(policy.backoffCeiling(afterAttempt: 3) == 0.8)
        #expect(policy.backoffCeiling(afterAttempt: 4) == 1.0)
        #expect(policy.backoffCeiling(afterAttempt: 40) == 1.0)
    }
}

/// Runs `operation` and describes how it ended: its value, "cancelled", or another error.
func tokenTestWithDeadlineResult(_ operation: @escaping @Sendable () async throws -> String) async -> String {
    do {
        return try await tokenTestWithDeadline(.seconds(20), operation)
    } catch is CancellationError {
        return "cancelled"
    } catch {
        return "error: \(error)"
    }
}

@Suite("ClientCredentialsTokenProvider secrecy")
struct ClientCredentialsSecrecyTests {
    @Test("neither the secret nor a token appears in logs or error messages, on success or failure")
    func nothingSecretLogged() async throws {
        let capture = TokenTestLogCapture()
        let clock = TokenTestClock()
        let transport = TokenTestTransport(.token(prefix: "tok-SECRETVALUE-", expiresIn: 3600))
        var configuration = ClientCredentialsTokenProvider.Configuration.test()
        configuration.clientSecret = "super-SECRETVALUE"
        let provider = ClientCredentialsTokenProvider(configuration: configuration, transport: transport, now: clock.now, logger: capture.logger)
        _ = try await provider.accessToken()
        var messages: [String] = []
        for behavior: TokenTestTransport.Behavior in [.oauthError(status: 401, code: "invalid_client"), .refuse, .raw(status: 500, body: "SECRETVALUE")] {
            transport.setBehavior(behavior)
            clock.advance(by: 4000)
            do {
                _ = try await provider.accessToken()
                Issue.record("expected a failure")
            } catch {
                messages.append(String(describing: error))
            }
        }
        #expect(!capture.all.isEmpty)
        for line in capture.all + messages {
            #expect(!line.contains("SECRETVALUE"), "leaked: \(line)")
        }
    }
}
