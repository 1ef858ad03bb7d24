import Foundation
import HTTPTypes
import SampleServices
import ServiceAuth
import ServiceAuthHTTP
import Testing

@Suite("The gateway → orders → inventory chain over loopback")
struct ChainScenarioTests {
    @Test("every demo scenario gives its expected result")
    func scenarios() async throws {
        let results = try await DemoChain.withRunningChain { chain in try await DemoScenarios.run(chain) }
        #expect(results.map(\.number) == Array(1...7))
        for result in results {
            #expect(result.passed, "scenario \(result.number) (\(result.title)): expected \(result.expected), got \(result.observed) — \(result.detail)")
        }
    }

    @Test("over mutual TLS + HTTP/2 (demo --tls) every scenario, and the three mTLS ones, give their expected results")
    func mutualTLSScenarios() async throws {
        let pki = try DemoTLS.make()
        defer { pki.remove() }
        let results = try await DemoChain.withRunningChain(tls: pki) { chain in
            #expect(chain.gatewayURL.hasPrefix("https://") && chain.issuerURL.hasPrefix("https://"))
            return try await DemoScenarios.run(chain)
        }
        #expect(results.map(\.number) == Array(1...10))
        for result in results {
            #expect(result.passed, "scenario \(result.number) (\(result.title)): expected \(result.expected), got \(result.observed) — \(result.detail)")
        }
    }

    @Test("each service's /whoami shows what it verified, in CONTRACT.md's shape")
    func whoami() async throws {
        try await DemoChain.withRunningChain { chain in
            let token = try await DemoScenarios.login(chain, username: "alice", password: "alice-password")
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(token)"
            let (response, body) = try await ServiceHTTPClient().get("\(chain.gatewayURL)/whoami/anything", headerFields: fields)
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(json["service"] as? String == "gateway")
            let caller = try #require(json["caller"] as? [String: Any])
            #expect(caller["kind"] as? String == "user")
            #expect(caller["username"] as? String == "alice")
            #expect(caller["clientId"] as? String == "web")
            #expect((caller["scopes"] as? [String])?.contains("orders/read") == true)
            let user = try #require(json["user"] as? [String: Any])
            #expect(user["username"] as? String == "alice")
            #expect(user["groups"] as? [String] == ["customers"])
            #expect(json["chain"] as? [String] == [])

            // Without a token every service refuses /whoami, with its own challenge.
            for (url, challenge) in [(chain.gatewayURL, "Bearer"), (chain.ordersURL, "Bearer"), (chain.inventoryURL, "AWS4-HMAC-SHA256")] {
                let (refused, refusedBody) = try await ServiceHTTPClient().get("\(url)/whoami")
                #expect(refused.status == .unauthorized)
                #expect(refused.headerFields[.wwwAuthenticate] == challenge)
                let error = try JSONDecoder().decode([String: String].self, from: Data(refusedBody))["error"]
                #expect(error == "missing_token" || error == "MissingAuthenticationToken")
            }
        }
    }

    @Test("orders refuses a user's own token even though it is valid: it wants a service with orders/invoke")
    func ordersRefusesUserTokens() async throws {
        try await DemoChain.withRunningChain { chain in
            let token = try await DemoScenarios.login(chain, username: "alice", password: "alice-password")
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(token)"
            let (response, _) = try await ServiceHTTPClient().get("\(chain.ordersURL)/orders/1", headerFields: fields)
            // alice's token is for the `web` client, not orders' accepted caller `gateway`.
            #expect(response.status == .unauthorized)
        }
    }

    @Test("healthz and metrics are public; business routes are not")
    func publicEndpoints() async throws {
        try await DemoChain.withRunningChain { chain in
            for url in [chain.gatewayURL, chain.ordersURL, chain.inventoryURL] {
                let (health, _) = try await ServiceHTTPClient().get("\(url)/healthz")
                #expect(health.status == .ok)
                let (metrics, body) = try await ServiceHTTPClient().get("\(url)/metrics")
                #expect(metrics.status == .ok)
                #expect(String(decoding: body, as: UTF8.self).contains("serviceauth_http_requests_total"))
            }
            let (unknown, _) = try await ServiceHTTPClient().get("\(chain.gatewayURL)/no/such/route")
            #expect(unknown.status == .unauthorized)  // authenticate before routing
        }
    }

    @Test("a write goes through the chain with the orders/write scope")
    func postOrder() async throws {
        try await DemoChain.withRunningChain { chain in
            let token = try await DemoScenarios.login(chain, username: "alice", password: "alice-password")
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(token)"
            fields[.contentType] = "application/json"
            let (response, body) = try await ServiceHTTPClient().post(
                "\(chain.gatewayURL)/orders", body: Array(#"{"item":"7","quantity":2}"#.utf8), headerFields: fields)
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let hops = try #require(json["hops"] as? [[String: Any]])
            #expect(hops.compactMap { $0["service"] as? String } == ["gateway", "orders", "inventory"])
            let reservation = (json["result"] as? [String: Any])?["reservation"] as? [String: Any]
            #expect(reservation?["quantity"] as? Double == 2)
        }
    }
}

@Suite("Benchmark baseline")
struct NoAuthBaselineTests {
    @Test("--no-auth runs the same chain without verifying or sending credentials")
    func noAuthChain() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            func start(_ service: SampleService) async throws -> String {
                group.addTask { try await service.run() }
                return "http://127.0.0.1:\(try await service.port())"
            }
            let inventory = try await start(InventoryService.make(try SampleOptions.parse(["--no-auth"])))
            let orders = try await start(OrdersService.make(try SampleOptions.parse(["--no-auth", "--inventory-url", inventory])))
            let gateway = try await start(GatewayService.make(try SampleOptions.parse(["--no-auth", "--orders-url", orders])))
            let (response, body) = try await ServiceHTTPClient().get("\(gateway)/orders/5")
            #expect(response.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let hops = try #require(json["hops"] as? [[String: Any]])
            #expect(hops.compactMap { $0["service"] as? String } == ["gateway", "orders", "inventory"])
            #expect(hops.allSatisfy { $0["caller"] is NSNull })
        }
    }
}
