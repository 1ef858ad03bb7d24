import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP

/// The scenarios of the demo (samples issue), run against a ``DemoChain``.
public enum DemoScenarios {
    /// How many extra requests scenario 7 sends through the chain.
    public static let steadyStateRequests = 200

    /// Runs every scenario in order.
    ///
    /// - Parameter chain: The running chain.
    /// - Returns: One result per scenario.
    /// - Throws: Only when the demo cannot run at all (e.g. the login itself fails).
    public static func run(_ chain: DemoChain) async throws -> [DemoScenarioResult] {
        let client = try chain.client()
        let overTLS = chain.tls != nil
        let alice = try await login(chain, username: "alice", password: "alice-password")
        let bob = try await login(chain, username: "bob", password: "bob-password")
        var results: [DemoScenarioResult] = []

        // 1. Happy path: every hop verifies, inventory sees the user and the chain.
        let happy = try await client.get("\(chain.gatewayURL)/orders/42", headerFields: bearer(alice))
        let hops = (try? JSONDecoder().decode(ChainResponse.self, from: Data(happy.1)))?.hops ?? []
        let innermost = hops.last?.summary ?? "-"
        results.append(DemoScenarioResult(
            number: 1, title: "alice reads an order", expected: "200, inventory sees user alice via gateway → orders",
            observed: status(happy.0, at: "gateway"),
            detail: hops.map { "\($0.service): \($0.summary)" }.joined(separator: "; "),
            passed: happy.0.status == .ok && hops.map(\.service) == ["gateway", "orders", "inventory"]
                && innermost == "user alice via gateway → orders" && hops.allSatisfy { $0.user == "alice" }))

        // 2. No token at the front door.
        let anonymous = try await client.get("\(chain.gatewayURL)/orders/42")
        results.append(refusal(2, "no token", anonymous, expected: .unauthorized, at: "gateway", code: "missing_token"))

        // 3. A valid token without the scope the route needs.
        let unscoped = try await client.get("\(chain.gatewayURL)/orders/42", headerFields: bearer(bob))
        results.append(refusal(3, "bob's token lacks orders/read", unscoped, expected: .forbidden, at: "gateway", code: "missing_scope"))

        // 4. The user's own JWT straight to inventory, which only takes SigV4 from orders (over
        //    mutual TLS, from orders' workload only: the web client's certificate is refused).
        let direct = try await client.get("\(chain.inventoryURL)/items/42", headerFields: bearer(alice))
        results.append(refusal(4, "alice's JWT sent straight to inventory", direct,
                               expected: overTLS ? .forbidden : .unauthorized, at: "inventory", code: overTLS ? "workload_not_allowed" : nil))

        // 5. A correctly signed request from a role inventory does not allow.
        let reports = AssumeRoleCredentialsProvider(
            configuration: .init(roleArn: "arn:aws:iam::123456789012:role/reports", roleSessionName: "demo", stsEndpoint: URL(string: chain.issuerURL)!),
            sourceCredentials: StaticCredentialsProvider(
                accessKeyId: DemoChain.reportsIAMUser.accessKeyId, secretAccessKey: DemoChain.reportsIAMUser.secret),
            transport: AsyncHTTPTransport(httpClient: try chain.tls?.client(as: "orders") ?? .serviceAuthShared))
        let otherRole = try await signedClient(reports, chain).get("\(chain.inventoryURL)/items/42")
        results.append(refusal(5, "the reports role signs to inventory", otherRole, expected: .forbidden, at: "inventory", code: "AccessDenied"))

        // 6. A compromised orders propagates a tampered user token: inventory checks it itself.
        var forwarded = HTTPFields()
        forwarded[HTTPField.Name("X-Forwarded-Authorization")!] = "Bearer \(tamper(alice))"
        let tampered = try await signedClient(chain.ordersCredentials, chain).get("\(chain.inventoryURL)/items/42", headerFields: forwarded)
        results.append(refusal(6, "orders propagates a tampered user token", tampered, expected: .unauthorized, at: "inventory", code: "bad_signature"))

        // 7. Steady state: many requests, and the issuer saw one token fetch and one AssumeRole.
        var succeeded = 0
        for index in 0..<steadyStateRequests {
            let (response, _) = try await client.get("\(chain.gatewayURL)/orders/\(index)", headerFields: bearer(alice))
            if response.status == .ok { succeeded += 1 }
        }
        let (_, metricsBody) = try await client.get("\(chain.issuerURL)/metrics")
        let metrics = String(decoding: metricsBody, as: UTF8.self)
        let tokenRequests = metricValue(metrics, name: "serviceauth_idp_token_requests_total",
                                        labels: ["grant=\"client_credentials\"", "client=\"gateway\""])
        let assumeRoles = metricValue(metrics, name: "serviceauth_idp_assume_role_total",
                                      labels: ["role=\"arn:aws:iam::123456789012:role/orders\"", "outcome=\"success\""])
        results.append(DemoScenarioResult(
            number: 7, title: "\(steadyStateRequests) more requests through the chain",
            expected: "all 200; issuer: 1 token request (gateway), 1 AssumeRole (orders)",
            observed: "\(succeeded)/\(steadyStateRequests) × 200",
            detail: "issuer saw \(format(tokenRequests)) client-credentials request(s) from gateway, \(format(assumeRoles)) AssumeRole(s) of orders",
            passed: succeeded == steadyStateRequests && tokenRequests == 1 && assumeRoles == 1))
        if overTLS { results += try await mutualTLSScenarios(chain) }
        return results
    }

    /// The scenarios only mutual TLS makes possible (`serviceauth demo --tls`).
    private static func mutualTLSScenarios(_ chain: DemoChain) async throws -> [DemoScenarioResult] {
        var results: [DemoScenarioResult] = []
        // 8. gateway's service token is bound to gateway's certificate (RFC 8705): stolen and
        //    replayed from another workload, it is refused.
        let stolen = try await serviceToken(chain, as: "gateway")
        let replayed = try await chain.client(as: "rogue").get("\(chain.ordersURL)/whoami", headerFields: bearer(stolen))
        results.append(refusal(8, "gateway's bound token replayed by another workload", replayed,
                               expected: .unauthorized, at: "orders", code: "certificate_mismatch"))

        // 9. No client certificate: the handshake itself fails, no HTTP request is ever read.
        var refusedAtHandshake = false
        do {
            // AsyncHTTPClient retries a failed handshake until the deadline: keep it short.
            _ = try await chain.client(as: nil, timeout: .seconds(2)).get("\(chain.gatewayURL)/healthz")
        } catch {
            refusedAtHandshake = true
        }
        results.append(DemoScenarioResult(
            number: 9, title: "a client without a certificate", expected: "refused at the TLS handshake",
            observed: refusedAtHandshake ? "handshake refused" : "served", detail: "gateway requires a certificate from the demo CA",
            passed: refusedAtHandshake))

        // 10. A certificate the CA signed, but for a SPIFFE ID orders does not allow.
        let rogue = try await chain.client(as: "rogue").get("\(chain.ordersURL)/whoami")
        results.append(refusal(10, "workload \(chain.tls?.spiffeID("rogue") ?? "rogue") calls orders", rogue,
                               expected: .forbidden, at: "orders", code: "workload_not_allowed"))
        return results
    }

    /// A client-credentials token for `workload` (its client id and secret in the demo
    /// configuration), fetched over mutual TLS with its certificate, so it is bound to it.
    private static func serviceToken(_ chain: DemoChain, as workload: String) async throws -> String {
        var fields = HTTPFields()
        fields[.contentType] = "application/x-www-form-urlencoded"
        let form = "grant_type=client_credentials&client_id=\(workload)&client_secret=\(workload)-secret&scope=orders%2Finvoke"
        let (response, body) = try await chain.client(as: workload).post(
            chain.issuerURL + "/oauth2/token", body: Array(form.utf8), headerFields: fields)
        struct Token: Decodable { var access_token: String }
        guard response.status == .ok, let token = try? JSONDecoder().decode(Token.self, from: Data(body)) else {
            throw SampleFlagError(flag: "demo", reason: "the \(workload) token request failed with \(response.status.code)")
        }
        return token.access_token
    }

    /// Logs a user in with Cognito's `InitiateAuth` (`USER_PASSWORD_AUTH`, app client `web`)
    /// and returns the access token.
    ///
    /// - Throws: When the issuer refuses the login.
    public static func login(_ chain: DemoChain, username: String, password: String) async throws -> String {
        var fields = HTTPFields()
        fields[.contentType] = "application/x-amz-json-1.1"
        fields[HTTPField.Name("X-Amz-Target")!] = "AWSCognitoIdentityProviderService.InitiateAuth"
        let request: [String: JSONScalar] = [
            "AuthFlow": .string("USER_PASSWORD_AUTH"), "ClientId": .string("web"),
            "AuthParameters": .object(["USERNAME": .string(username), "PASSWORD": .string(password)]),
        ]
        let (response, body) = try await chain.client().post(
            chain.issuerURL + "/", body: Array(try JSONEncoder().encode(request)), headerFields: fields)
        struct Result: Decodable {
            struct Tokens: Decodable { var AccessToken: String }
            var AuthenticationResult: Tokens
        }
        guard response.status == .ok, let result = try? JSONDecoder().decode(Result.self, from: Data(body)) else {
            throw SampleFlagError(flag: "demo", reason: "InitiateAuth for \(username) failed with \(response.status.code)")
        }
        return result.AuthenticationResult.AccessToken
    }

    private static func bearer(_ token: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        return fields
    }

    /// A SigV4-signing client; over TLS it presents orders' certificate, as a process in orders'
    /// workload would.
    private static func signedClient(_ credentials: any AWSCredentialsProvider, _ chain: DemoChain) throws -> ServiceHTTPClient {
        try chain.client(as: "orders", middleware: [
            SigV4SigningMiddleware(signer: SigV4Signer(region: "us-east-1", service: "execute-api"), credentialsProvider: credentials)
        ])
    }

    /// Changes one character of the token's signature: still well-formed, no longer valid.
    static func tamper(_ token: String) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let first = parts[2].first else { return token + "x" }
        parts[2] = (first == "A" ? "B" : "A") + parts[2].dropFirst()
        return parts.joined(separator: ".")
    }

    private static func refusal(
        _ number: Int, _ title: String, _ response: (HTTPResponse, [UInt8]),
        expected: HTTPResponse.Status, at service: String, code: String?
    ) -> DemoScenarioResult {
        let observedCode = (try? JSONDecoder().decode([String: String].self, from: Data(response.1)))?["error"] ?? "-"
        return DemoScenarioResult(
            number: number, title: title,
            expected: "\(expected.code) at \(service)" + (code.map { " (\($0))" } ?? ""),
            observed: status(response.0, at: service),
            detail: "error: \(observedCode)",
            passed: response.0.status == expected && (code == nil || observedCode == code))
    }

    private static func status(_ response: HTTPResponse, at service: String) -> String {
        "\(response.status.code) at \(service)"
    }

    /// The value of one Prometheus counter line with all of `labels`, or `nil`.
    static func metricValue(_ text: String, name: String, labels: [String]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            guard labels.allSatisfy({ line.contains($0) }), let value = line.split(separator: " ").last else { continue }
            return Double(value)
        }
        return nil
    }

    private static func format(_ value: Double?) -> String {
        value.map { String(Int($0)) } ?? "no"
    }
}
