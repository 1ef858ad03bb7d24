import NIOCore
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Testing

/// Slow and idle clients, connection limits and ambiguous framing, over raw loopback sockets:
/// each test is the attack it defends against.
@Suite("HTTP server limits against slow, idle and ambiguous clients")
struct HTTPServerLimitsTests {
    /// Short deadlines so the tests run quickly; the idle timeout is longer than every bound
    /// below, so only the deadline under test can close a connection.
    static let quick = HTTPServerConfiguration(
        idleTimeout: .seconds(30),
        headerReadTimeout: .milliseconds(300),
        bodyReadTimeout: .milliseconds(300)
    )

    /// For tests where a deadline must *not* fire: still shorter than `/slow` takes, with a
    /// wide margin over the client's own pauses so a loaded machine cannot fail them.
    static let patient = HTTPServerConfiguration(
        idleTimeout: .seconds(30),
        headerReadTimeout: .seconds(1),
        bodyReadTimeout: .seconds(1)
    )

    static func router() -> Router {
        var router = Router()
        router.get("/ok") { _, _, _ in Responses.text("ok") }
        router.get("/slow") { _, _, _ in
            try await Task.sleep(for: .seconds(2))
            return Responses.text("slow")
        }
        router.post("/echo") { _, body, _ in
            Responses.text(String(decoding: try await body.collect(upTo: 1 << 16), as: UTF8.self))
        }
        return router
    }

    static func port(_ baseURL: String) -> Int { Int(baseURL.split(separator: ":").last!)! }

    // MARK: Header deadline

    @Test("a request head trickled byte by byte gets 408 and is closed at the header deadline")
    func slowHeaders() async throws {
        try await withTestServer(router: Self.router(), configuration: Self.quick) { baseURL in
            let port = Self.port(baseURL)
            // Every byte arrives well within the idle timeout, so only a deadline that runs
            // from the first byte of the head can end this.
            let exchange = try await RawConnection.connect(port: port).exchange(within: .seconds(10)) { outbound in
                try await outbound.write(ByteBuffer(string: "GET /ok HTTP/1.1\r\nHost: x\r\n"))
                for _ in 0..<100 {
                    try await Task.sleep(for: .milliseconds(100))
                    try await outbound.write(ByteBuffer(string: "X"))
                }
            }
            #expect(exchange.closed)
            #expect(exchange.reply.hasPrefix("HTTP/1.1 408"))
            #expect(exchange.reply.lowercased().contains("connection: close"))
            // The server keeps serving others.
            let (response, _) = try await ServiceHTTPClient().get("\(baseURL)/ok")
            #expect(response.status == .ok)
        }
    }

    @Test("an idle keep-alive connection is governed by the idle timeout, not the header deadline")
    func headerDeadlineStartsAtFirstByte() async throws {
        try await withTestServer(router: Self.router(), configuration: Self.patient) { baseURL in
            try await RawConnection.connect(port: Self.port(baseURL)).withSession { session in
                let reply1 = try await session.get("/ok")
                #expect(reply1?.hasPrefix("HTTP/1.1 200") == true)
                // Longer than the header deadline, with no byte of a next request sent.
                try await Task.sleep(for: .seconds(2))
                let reply2 = try await session.get("/ok")
                #expect(reply2?.hasPrefix("HTTP/1.1 200") == true)
            }
        }
    }

    @Test("a handler slower than both deadlines is never cut off")
    func slowHandlerIsNotCutOff() async throws {
        try await withTestServer(router: Self.router(), configuration: Self.patient) { baseURL in
            try await RawConnection.connect(port: Self.port(baseURL)).withSession { session in
                let reply3 = try await session.get("/slow")
                #expect(reply3?.hasSuffix("slow") == true)
                let reply4 = try await session.get("/ok")
                #expect(reply4?.hasPrefix("HTTP/1.1 200") == true)
            }
        }
    }

    @Test("time the server spends on a pipelined request ahead does not count against the client's deadlines")
    func pipelinedRequestWaitsForSlowServer() async throws {
        try await withTestServer(router: Self.router(), configuration: Self.patient) { baseURL in
            let connection = try await RawConnection.connect(port: Self.port(baseURL))
            // The second request's head and part of its body arrive with the first; the server
            // then spends 2 s (> both deadlines) on the first and reads nothing more. The rest
            // of the body is sent meanwhile, and only read once the server resumes reading.
            connection.writeOnSchedule([
                (.zero, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhe"),
                (.milliseconds(1500), "llo"),
            ])
            let exchange = try await connection.exchange(within: .seconds(20)) { _ in }
            #expect(exchange.closed)
            #expect(exchange.reply.hasPrefix("HTTP/1.1 200"))
            #expect(exchange.reply.contains("slow"))
            #expect(exchange.reply.hasSuffix("hello"))
        }
    }

    // MARK: Body deadline

    @Test("a body announced and then not sent gets 408 and is closed at the body deadline")
    func stalledBody() async throws {
        try await withTestServer(router: Self.router(), configuration: Self.quick) { baseURL in
            let exchange = try await RawConnection.connect(port: Self.port(baseURL)).exchange(within: .seconds(10)) { outbound in
                try await outbound.write(ByteBuffer(string: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"))
                // Then nothing, while keeping the connection open.
                try await Task.sleep(for: .seconds(20))
            }
            #expect(exchange.closed)
            #expect(exchange.reply.hasPrefix("HTTP/1.1 408"))
            #expect(exchange.reply.lowercased().contains("connection: close"))
        }
    }

    @Test("a chunked body whose chunk framing trickles without data gets 408")
    func chunkFramingIsNotProgress() async throws {
        try await withTestServer(router: Self.router(), configuration: Self.quick) { baseURL in
            let exchange = try await RawConnection.connect(port: Self.port(baseURL)).exchange(within: .seconds(10)) { outbound in
                try await outbound.write(ByteBuffer(string: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0"))
                // Leading zeros of a chunk size: bytes, but never a body byte.
                for _ in 0..<100 {
                    try await Task.sleep(for: .milliseconds(100))
                    try await outbound.write(ByteBuffer(string: "0"))
                }
            }
            #expect(exchange.closed)
            #expect(exchange.reply.hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test("a body that keeps arriving within the body deadline is read to the end")
    func slowButSteadyBody() async throws {
        try await withTestServer(router: Self.router(), configuration: Self.patient) { baseURL in
            let connection = try await RawConnection.connect(port: Self.port(baseURL))
            // One byte every 300 ms, longer in total than the body deadline.
            connection.writeOnSchedule(
                [(.zero, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")]
                    + "hello".enumerated().map { (Duration.milliseconds(300 * ($0.offset + 1)), String($0.element)) })
            let exchange = try await connection.exchange(within: .seconds(20)) { _ in }
            #expect(exchange.closed)
            #expect(exchange.reply.hasPrefix("HTTP/1.1 200"))
            #expect(exchange.reply.hasSuffix("hello"))
        }
    }

    // MARK: Connection limit

    @Test("past maxConnections new connections are closed at accept; existing ones keep being served")
    func connectionLimit() async throws {
        var configuration = Self.quick
        configuration.maxConnections = 3
        try await withTestServer(router: Self.router(), configuration: configuration) { baseURL in
            let port = Self.port(baseURL)
            try await RawConnection.connect(port: port).withSession { first in
                try await RawConnection.connect(port: port).withSession { second in
                    try await RawConnection.connect(port: port).withSession { third in
                        // A response on each proves the server accepted all three.
                        for session in [first, second, third] {
                            let reply7 = try await session.get("/ok")
                            #expect(reply7?.hasPrefix("HTTP/1.1 200") == true)
                        }
                        let fourth = try await RawConnection.connect(port: port).exchange(within: .seconds(5)) { outbound in
                            try await outbound.write(ByteBuffer(string: "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"))
                        }
                        #expect(fourth.closed)
                        #expect(fourth.reply.isEmpty)
                        let reply8 = try await first.get("/ok")
                        #expect(reply8?.hasPrefix("HTTP/1.1 200") == true)
                    }
                }
            }
            // Once connections close, new ones are accepted again (closing is asynchronous,
            // so allow a few attempts).
            var served = false
            for _ in 0..<50 where !served {
                let exchange = try await RawConnection.connect(port: port).sendExpectingClose("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                served = exchange.reply.hasPrefix("HTTP/1.1 200")
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(served)
        }
    }

    // MARK: Ambiguous requests

    @Test("an ambiguous Host (two of them, a list, or none in HTTP/1.1) → 400 and the connection closed",
          arguments: [
              "Host: a\r\nHost: b\r\n",
              "Host: a\r\nhost: a\r\n",
              "Host: a, b\r\n",
              "",
          ])
    func ambiguousHost(hostLines: String) async throws {
        try await withTestServer(router: Self.router(), configuration: Self.quick) { baseURL in
            let exchange = try await RawConnection.connect(port: Self.port(baseURL))
                .sendExpectingClose("GET /ok HTTP/1.1\r\n\(hostLines)\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(exchange.closed)
            #expect(exchange.reply.hasPrefix("HTTP/1.1 400"))
            #expect(exchange.reply.lowercased().contains("connection: close"))
            // The pipelined request behind it is never served.
            #expect(exchange.reply.components(separatedBy: "HTTP/1.1 ").count == 2)
            let (response, _) = try await ServiceHTTPClient().get("\(baseURL)/ok")
            #expect(response.status == .ok)
        }
    }

    @Test("conflicting body framing (request smuggling) → 400 and the connection closed",
          arguments: [
              "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
              "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
              "Content-Length: 3\r\nContent-Length: 4\r\n",
              "Content-Length: 3\r\nContent-Length: 3\r\n",
              "Content-Length: 3, 4\r\n",
              "Transfer-Encoding: gzip\r\n",
          ])
    func conflictingFraming(framing: String) async throws {
        try await withTestServer(router: Self.router(), configuration: Self.quick) { baseURL in
            // Whichever framing a front proxy picked, the smuggled GET must not be served.
            let smuggled = "0\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n"
            let exchange = try await RawConnection.connect(port: Self.port(baseURL))
                .sendExpectingClose("POST /echo HTTP/1.1\r\nHost: a\r\n\(framing)\r\n\(smuggled)")
            #expect(exchange.closed)
            #expect(exchange.reply.hasPrefix("HTTP/1.1 400"))
            #expect(exchange.reply.lowercased().contains("connection: close"))
            #expect(exchange.reply.components(separatedBy: "HTTP/1.1 ").count == 2)
        }
    }
}
