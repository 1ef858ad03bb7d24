import AdapterTestSupport
import AsyncHTTPClient
import NIOCore
import Foundation
import ServiceAuth
import ServiceAuthHTTP
import Logging
import ServiceAuthTesting
import ServiceLifecycle
import Testing

/// What the test route answers: who the caller is and how the request arrived.
private struct Seen: Codable {
    var kind: String
    var principal: String
    var secure: Bool
}

/// A router whose every route needs `security`; `GET /whoami` answers ``Seen``.
private func whoamiRouter(_ security: RouteSecurity) -> Router {
    var router = Router(security: security)
    router.get("/whoami") { _, _, context in
        Responses.json(Seen(
            kind: context.auth.caller?.kind.rawValue ?? "-", principal: context.auth.caller?.principal ?? "-",
            secure: context.isSecure))
    }
    return router
}

/// The package's server over TLS, mutual TLS, HTTP/2 and h2c, driven by clients nobody here
/// wrote: curl (with nghttp2), h2load (nghttp2-client) and Python's `h2`.
@Suite("TLS, mutual TLS and HTTP/2 with real clients", .serialized)
struct TLSInteropTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("curl --http2 with a client certificate is served over HTTP/2 and authenticated as the certificate's SPIFFE ID")
    func curlHTTP2WithClientCertificate() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let configuration = HTTPServerConfiguration(tls: fixture.server(clientCertificates: .required))
        try await withTestServer(router: whoamiRouter(RouteSecurity([MutualTLSAuthenticator()])), configuration: configuration) { url in
            #expect(url.hasPrefix("https://"))
            let (status, output) = try await curl(
                ["--http2", "-w", "\n%{http_version}"] + fixture.curlIdentity("client") + ["\(url)/whoami"])
            #expect(status == 0, "\(output)")
            let lines = output.split(separator: "\n")
            #expect(lines.last == "2")
            let seen = try JSONDecoder().decode(Seen.self, from: Data((lines.first ?? "").utf8))
            #expect(seen.kind == "workload")
            #expect(seen.principal == fixture.client.spiffeID)
            #expect(seen.secure)
            // The same server speaks HTTP/1.1 to a client that offers only that.
            let http1 = try await curl(["--http1.1", "-o", "/dev/null", "-w", "%{http_version}"] + fixture.curlIdentity("client") + ["\(url)/whoami"])
            #expect(http1.output == "1.1")
        }
    }

    @Test("with client certificates required, none, an expired one and one from another CA are refused at the handshake")
    func badClientCertificatesAreRefused() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let configuration = HTTPServerConfiguration(tls: fixture.server(clientCertificates: .required))
        try await withTestServer(router: whoamiRouter(.public), configuration: configuration) { url in
            for workload in [nil, "expired", "stranger"] as [String?] {
                let (status, output) = try await curl(["--http2"] + fixture.curlIdentity(workload) + ["\(url)/whoami"])
                #expect(status != 0, "\(workload ?? "no certificate") was served: \(output)")
                #expect(!output.contains("principal"))
            }
            let good = try await curl(["--http2"] + fixture.curlIdentity("client") + ["\(url)/whoami"])
            #expect(good.status == 0 && good.output.contains("\"secure\":true"), "\(good.output)")
        }
    }

    @Test("optional client certificates: a client without one connects, one with a bad one is refused")
    func optionalClientCertificates() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let configuration = HTTPServerConfiguration(tls: fixture.server(clientCertificates: .optional))
        try await withTestServer(router: whoamiRouter(.public), configuration: configuration) { url in
            let anonymous = try await curl(["--http2"] + fixture.curlIdentity(nil) + ["\(url)/whoami"])
            #expect(anonymous.status == 0 && anonymous.output.contains("\"kind\":\"-\""), "\(anonymous.output)")
            let stranger = try await curl(["--http2"] + fixture.curlIdentity("stranger") + ["\(url)/whoami"])
            #expect(stranger.status != 0, "\(stranger.output)")
        }
    }

    @Test("curl --http2-prior-knowledge gets h2c on a cleartext server that also serves HTTP/1.1")
    func cleartextHTTP2() async throws {
        let configuration = HTTPServerConfiguration(cleartextHTTP2: true)
        try await withTestServer(router: whoamiRouter(.public), configuration: configuration) { url in
            let h2c = try await curl(["--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code} %{http_version}", "\(url)/whoami"])
            #expect(h2c.output == "200 2", "\(h2c.output)")
            let http1 = try await curl(["-o", "/dev/null", "-w", "%{http_code} %{http_version}", "\(url)/whoami"])
            #expect(http1.output == "200 1.1", "\(http1.output)")
        }
        // Without the setting, the preface is not HTTP/1.1 and is refused.
        try await withTestServer(router: whoamiRouter(.public)) { url in
            let refused = try await curl(["--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_version}", "\(url)/whoami"])
            #expect(refused.output != "2")
        }
    }

    @Test("h2load: 10,000 JWT-authenticated requests over TLS + HTTP/2, 0 errors; without the token every one is refused")
    func h2loadAuthenticatedRun() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let configuration = HTTPServerConfiguration(tls: fixture.server(clientCertificates: .none))
        let security = RouteSecurity([BearerTokenAuthenticator(verifier: TestTokens.verifier)])
        try await withTestServer(router: whoamiRouter(security), configuration: configuration) { url in
            let token = TestTokens.service(scopes: "orders/invoke")
            let run = try await runProcess(
                ["/usr/bin/env", "h2load", "-n", "10000", "-c", "4", "-m", "16", "-H", "authorization: Bearer \(token)", "\(url)/whoami"],
                timeout: .seconds(120))
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("requests: 10000 total, 10000 started, 10000 done, 10000 succeeded, 0 failed, 0 errored, 0 timeout"), "\(run.output)")
            #expect(run.output.contains("status codes: 10000 2xx, 0 3xx, 0 4xx, 0 5xx"), "\(run.output)")
            #expect(run.output.contains("Application protocol: h2"), "\(run.output)")
            let anonymous = try await runProcess(["/usr/bin/env", "h2load", "-n", "100", "-c", "1", "\(url)/whoami"], timeout: .seconds(60))
            #expect(anonymous.output.contains("status codes: 0 2xx, 0 3xx, 100 4xx, 0 5xx"), "\(anonymous.output)")
        }
    }

    @Test("the HTTP/1.1 limits hold for HTTP/2 streams: body size (413), header count (431), header bytes (431)")
    func http2RequestLimits() async throws {
        var router = whoamiRouter(.public)
        router.post("/echo") { _, body, _ in Responses.text("\(try await body.collect(upTo: 1 << 20).count)") }
        let configuration = HTTPServerConfiguration(maxBodyBytes: 1000, maxHeaderBytes: 4096, maxHeaderCount: 20, cleartextHTTP2: true)
        try await withTestServer(router: router, configuration: configuration) { url in
            let big = String(repeating: "x", count: 5000)
            let tooLarge = try await curl(["--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", big, "\(url)/echo"])
            #expect(tooLarge.output == "413", "\(tooLarge.output)")
            let small = try await curl(["--http2-prior-knowledge", "--data-binary", "hello", "\(url)/echo"])
            #expect(small.output == "5", "\(small.output)")
            let manyHeaders = (0..<30).flatMap { ["-H", "x-h\($0): v"] }
            let tooMany = try await curl(["--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}"] + manyHeaders + ["\(url)/whoami"])
            #expect(tooMany.output == "431", "\(tooMany.output)")
            let huge = try await curl(["--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}", "-H", "x-big: \(String(repeating: "y", count: 8000))", "\(url)/whoami"])
            #expect(huge.output == "431", "\(huge.output)")
        }
    }

    @Test("abusive HTTP/2 clients (rapid reset, SETTINGS flood, PING flood) are disconnected while another connection is served; with the limit lifted they are not", arguments: ["reset", "settings", "ping"])
    func abusiveClientsAreCutOff(mode: String) async throws {
        let script = Self.packageRoot.appendingPathComponent("Tests/Interop/h2_abuse.py").path
        struct Outcome: Decodable {
            var opened: Int
            var goaway: Int?
            var closed: Bool
            var ordinaryStatus: Int?
            /// GOAWAY or a closed connection: either way the client can go on no further.
            var cutOff: Bool { closed || goaway != nil }
        }
        func attack(_ limits: HTTP2Limits) async throws -> Outcome {
            try await withTestServer(router: whoamiRouter(.public), configuration: HTTPServerConfiguration(cleartextHTTP2: true, http2: limits)) { url in
                let port = String(url.split(separator: ":").last ?? "")
                let run = try await runProcess(["/usr/bin/env", "python3", script, mode, port, "/whoami", "3000"], timeout: .seconds(90))
                let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
                guard let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(line.utf8)) else {
                    Issue.record("\(mode) client: \(run.output)")
                    return Outcome(opened: 0, goaway: nil, closed: false, ordinaryStatus: nil)
                }
                return outcome
            }
        }
        // (How many frames the client got out before it noticed is not a measure: the socket
        // buffers can absorb all of them before the server's GOAWAY is read.)
        let defended = try await attack(HTTP2Limits())
        #expect(defended.cutOff)
        #expect(defended.ordinaryStatus == 200)
        // The same client against a server with that limit lifted runs to the end: the limit
        // is what cut it off.
        let lifted = mode == "reset" ? HTTP2Limits(maxResetStreamsPerWindow: 1_000_000) : HTTP2Limits(maxControlFramesPerWindow: 1_000_000)
        let undefended = try await attack(lifted)
        #expect(undefended.opened == 3000)
        #expect(!undefended.cutOff)
    }

    @Test("a handler that answers before reading the body (a 401) stops the server reading it: answered and closed, not buffered")
    func earlyAnswerStopsReadingTheBody() async throws {
        let security = RouteSecurity([BearerTokenAuthenticator(verifier: TestTokens.verifier)])
        var router = whoamiRouter(security)
        router.post("/upload") { _, body, _ in Responses.text("\(try await body.collect(upTo: 1 << 20).count)") }
        try await withTestServer(router: router) { url in
            let port = try #require(Int(url.split(separator: ":").last ?? ""))
            let head = "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500000\r\n\r\n"
            let exchange = try await RawConnection.connect(port: port).exchange(within: .seconds(5)) { outbound in
                try await outbound.write(ByteBuffer(string: head + String(repeating: "a", count: 1000)))
                for _ in 0..<20 {
                    try await Task.sleep(for: .milliseconds(200))
                    try await outbound.write(ByteBuffer(string: String(repeating: "a", count: 1000)))
                }
            }
            #expect(exchange.reply.hasPrefix("HTTP/1.1 401"), "\(exchange.reply)")
            // Closed long before the 500,000 announced bytes (or the 30 s body deadline).
            #expect(exchange.closed)
        }
    }

    @Test("an HTTP/2 connection that never opens a stream, and never answers PINGs, is closed")
    func idleHTTP2ConnectionIsClosed() async throws {
        let configuration = HTTPServerConfiguration(
            idleTimeout: .seconds(1), cleartextHTTP2: true, http2: HTTP2Limits(gracefulCloseTimeout: .seconds(2)))
        try await withTestServer(router: whoamiRouter(.public), configuration: configuration) { url in
            let port = try #require(Int(url.split(separator: ":").last ?? ""))
            // The client preface and an empty SETTINGS frame, then silence.
            let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]
            let exchange = try await RawConnection.connect(port: port).exchange(within: .seconds(8)) { outbound in
                try await outbound.write(ByteBuffer(bytes: preface))
            }
            #expect(exchange.closed)
        }
    }

    @Test("graceful shutdown over HTTP/2: GOAWAY, the in-flight stream finishes, then the connection is closed")
    func gracefulShutdownOverHTTP2() async throws {
        let gate = GatedRoute()
        let server = HTTPServer(configuration: HTTPServerConfiguration(cleartextHTTP2: true), router: gate.router)
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        let script = Self.packageRoot.appendingPathComponent("Tests/Interop/h2_graceful.py").path
        struct Outcome: Decodable { var status: Int?; var body: String; var goaway: Bool; var closed: Bool }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            async let client = runProcess(["/usr/bin/env", "python3", script, String(port), "/slow"], timeout: .seconds(60))
            await gate.waitUntilEntered()
            await group.triggerGracefulShutdown()
            try await Task.sleep(for: .milliseconds(200))
            gate.release()
            let run = try await client
            let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
            guard let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(line.utf8)) else {
                Issue.record("graceful-shutdown client: \(run.output)")
                return
            }
            #expect(outcome.status == 200 && outcome.body == "finished", "\(run.output)")
            #expect(outcome.goaway, "\(run.output)")
            #expect(outcome.closed, "\(run.output)")
            try await tasks.next()
        }
    }

    @Test("reloadTLS: new connections get the new certificate, without a restart")
    func reloadWithoutRestart() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        // The server starts with a certificate from a CA curl does not trust...
        let stranger = TLSServerConfiguration(certificateChain: .file(fixture.path("live.pem")), privateKey: .file(fixture.path("live-key.pem")))
        try FileManager.default.copyItem(atPath: fixture.path("stranger.pem"), toPath: fixture.path("live.pem"))
        try FileManager.default.copyItem(atPath: fixture.path("stranger-key.pem"), toPath: fixture.path("live-key.pem"))
        let server = HTTPServer(configuration: HTTPServerConfiguration(tls: stranger), router: whoamiRouter(.public))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            let url = "https://127.0.0.1:\(try await server.listeningPort())/whoami"
            #expect(try await curl(fixture.curlIdentity(nil) + [url]).status != 0)
            // ...then the files are replaced by one it trusts and the server reloads them.
            for suffix in [".pem", "-key.pem"] {
                try FileManager.default.removeItem(atPath: fixture.path("live\(suffix)"))
                try FileManager.default.copyItem(atPath: fixture.path("server\(suffix)"), toPath: fixture.path("live\(suffix)"))
            }
            try server.reloadTLS()
            let after = try await curl(fixture.curlIdentity(nil) + [url])
            #expect(after.status == 0, "\(after.output)")
            // Unusable material is refused and the working certificate stays.
            try Data("not a key".utf8).write(to: URL(fileURLWithPath: fixture.path("live-key.pem")))
            #expect(throws: TLSConfigurationError.self) { try server.reloadTLS() }
            #expect(try await curl(fixture.curlIdentity(nil) + [url]).status == 0)
        }
    }

    @Test("ServiceHTTPClient: mutual TLS with given trust roots; without a client certificate, or trusting only the system's roots, the call fails")
    func outboundClientTLS() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let configuration = HTTPServerConfiguration(tls: fixture.server(clientCertificates: .required))
        try await withTestServer(router: whoamiRouter(RouteSecurity([MutualTLSAuthenticator()])), configuration: configuration) { url in
            let withCertificate = try HTTPClient.serviceAuth(tls: ClientTLSConfiguration(
                trustRoots: .certificates(.file(fixture.path("ca.pem"))),
                certificateChain: .file(fixture.path("client.pem")), privateKey: .file(fixture.path("client-key.pem"))))
            let withoutCertificate = try HTTPClient.serviceAuth(tls: ClientTLSConfiguration(trustRoots: .certificates(.file(fixture.path("ca.pem")))))
            let systemRoots = try HTTPClient.serviceAuth(tls: ClientTLSConfiguration(
                certificateChain: .file(fixture.path("client.pem")), privateKey: .file(fixture.path("client-key.pem"))))
            let (response, body) = try await ServiceHTTPClient(httpClient: withCertificate).get("\(url)/whoami")
            #expect(response.status == .ok)
            #expect(try JSONDecoder().decode(Seen.self, from: Data(body)).principal == fixture.client.spiffeID)
            // AsyncHTTPClient retries failed connection attempts until the deadline: keep it short.
            for client in [withoutCertificate, systemRoots] {
                await #expect(throws: HTTPTransportError.self) {
                    _ = try await ServiceHTTPClient(configuration: .init(timeout: .seconds(2)), httpClient: client).get("\(url)/whoami")
                }
            }
            for client in [withCertificate, withoutCertificate, systemRoots] { try await client.shutdown() }
        }
    }

    @Test("TLS material that cannot be used is a clear error, never key bytes")
    func unusableMaterial() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let mismatched = TLSServerConfiguration(certificateChain: .file(fixture.path("server.pem")), privateKey: .file(fixture.path("client-key.pem")))
        #expect(throws: TLSConfigurationError.self) { try mismatched.validate() }
        let missing = TLSServerConfiguration(certificateChain: .file(fixture.path("nope.pem")), privateKey: .file(fixture.path("server-key.pem")))
        let error = try #require(throws: TLSConfigurationError.self) { try missing.validate() }
        #expect(error.description.contains("nope.pem"))
        let inline = TLSServerConfiguration(certificateChain: .file(fixture.path("server.pem")), privateKey: .pem("-----BEGIN PRIVATE KEY-----\nsecret\n"))
        let inlineError = try #require(throws: TLSConfigurationError.self) { try inline.validate() }
        #expect(!inlineError.description.contains("secret"))
        let noCA = TLSServerConfiguration(
            certificateChain: .file(fixture.path("server.pem")), privateKey: .file(fixture.path("server-key.pem")), clientCertificates: .required)
        #expect(throws: TLSConfigurationError.self) { try noCA.validate() }
    }
}
