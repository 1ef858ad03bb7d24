import Foundation
import NIOCore
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import ServiceLifecycle
import Logging
import Testing

/// A server middleware that records when it runs and tags the response.
struct TaggingServerMiddleware: ServerMiddleware {
    let name: String
    let recorder: Recorder
    func intercept(_ request: HTTPRequest, body: MessageBody, context: RequestContext, next: ServerNext) async throws -> (HTTPResponse, MessageBody) {
        recorder.record("server:\(name):in")
        var (response, responseBody) = try await next(request, body, context)
        recorder.record("server:\(name):out")
        response.headerFields.append(HTTPField(name: HTTPField.Name("x-tag")!, value: name))
        return (response, responseBody)
    }
}

/// A client middleware that records when it runs and adds a request header.
struct TaggingClientMiddleware: ClientMiddleware {
    let name: String
    let recorder: Recorder
    func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        recorder.record("client:\(name)")
        var request = request
        request.headerFields.append(HTTPField(name: HTTPField.Name("x-client-tag")!, value: name))
        return try await next(request, body)
    }
}

@Suite("HTTP server and client")
struct HTTPServerTests {
    @Test("round trip through client and server middleware chains, in documented order")
    func roundTripOrder() async throws {
        let recorder = Recorder()
        var router = Router()
        router.post("/echo/{name}") { request, body, context in
            recorder.record("handler")
            let bytes = try await body.collect(upTo: 1024)
            let tags = request.headerFields[values: HTTPField.Name("x-client-tag")!]
            return Responses.json([
                "name": context.pathParameters["name"] ?? "",
                "body": String(decoding: bytes, as: UTF8.self),
                "clientTags": tags.joined(separator: ","),
                "route": context.routePattern ?? "",
            ])
        }
        let serverChain: [any ServerMiddleware] = [
            TaggingServerMiddleware(name: "a", recorder: recorder),
            TaggingServerMiddleware(name: "b", recorder: recorder),
        ]
        try await withTestServer(router: router, middleware: serverChain) { baseURL in
            let client = ServiceHTTPClient(middleware: [
                TaggingClientMiddleware(name: "x", recorder: recorder),
                TaggingClientMiddleware(name: "y", recorder: recorder),
            ])
            let (response, body) = try await client.post("\(baseURL)/echo/caf%C3%A9", body: Array("hello".utf8))
            #expect(response.status == .ok)
            let json = try JSONDecoder().decode([String: String].self, from: Data(body))
            #expect(json == ["name": "café", "body": "hello", "clientTags": "x,y", "route": "/echo/{name}"])
            // The outermost server middleware adds its tag last.
            #expect(response.headerFields[values: HTTPField.Name("x-tag")!] == ["b", "a"])
        }
        #expect(recorder.all == [
            "client:x", "client:y",
            "server:a:in", "server:b:in", "handler", "server:b:out", "server:a:out",
        ])
    }

    @Test("unknown routes are 404 and wrong methods 405, after middleware ran")
    func notFoundAndMethodNotAllowed() async throws {
        let recorder = Recorder()
        var router = Router()
        router.get("/only-get") { _, _, _ in Responses.text("ok") }
        try await withTestServer(router: router, middleware: [TaggingServerMiddleware(name: "auth", recorder: recorder)]) { baseURL in
            let client = ServiceHTTPClient()
            let (missing, _) = try await client.get("\(baseURL)/nope")
            #expect(missing.status == .notFound)
            let (wrongMethod, _) = try await client.post("\(baseURL)/only-get", body: [])
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headerFields[.allow] == "GET")
        }
        #expect(recorder.all.filter { $0.hasSuffix(":in") }.count == 2)
    }

    @Test("an AuthFailure thrown by middleware becomes its 401 response with a JSON code")
    func authFailureMapping() async throws {
        struct Refuse: ServerMiddleware {
            func intercept(_ request: HTTPRequest, body: MessageBody, context: RequestContext, next: ServerNext) async throws -> (HTTPResponse, MessageBody) {
                throw AuthFailure(status: .unauthorized, code: "missing_token", challenge: .bearer, message: "no token")
            }
        }
        var router = Router()
        router.get("/x") { _, _, _ in Responses.text("should not run") }
        try await withTestServer(router: router, middleware: [Refuse()]) { baseURL in
            let (response, body) = try await ServiceHTTPClient().get("\(baseURL)/x")
            #expect(response.status == .unauthorized)
            #expect(response.headerFields[.wwwAuthenticate] == "Bearer")
            let json = try JSONDecoder().decode([String: String].self, from: Data(body))
            #expect(json["error"] == "missing_token")
        }
    }

    @Test("a handler's unexpected error is a 500 that reveals nothing")
    func internalErrorIsOpaque() async throws {
        struct Secret: Error { let value = "s3cr3t" }
        var router = Router()
        router.get("/boom") { _, _, _ in throw Secret() }
        try await withTestServer(router: router) { baseURL in
            let (response, body) = try await ServiceHTTPClient().get("\(baseURL)/boom")
            #expect(response.status == .internalServerError)
            #expect(!String(decoding: body, as: UTF8.self).contains("s3cr3t"))
        }
    }

    @Test("oversized request head → 431, and the server keeps serving")
    func oversizedHeader() async throws {
        var router = Router()
        router.get("/ok") { _, _, _ in Responses.text("ok") }
        let configuration = HTTPServerConfiguration(maxHeaderBytes: 4096)
        try await withTestServer(router: router, configuration: configuration) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            let big = String(repeating: "a", count: 8192)
            let raw = try await RawConnection.connect(port: port)
            let reply = try await raw.sendAndReadUntilClose(Array("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n".utf8))
            #expect(reply.hasPrefix("HTTP/1.1 431"))
            let (response, _) = try await ServiceHTTPClient().get("\(baseURL)/ok")
            #expect(response.status == .ok)
        }
    }

    @Test("too many header fields → 431")
    func tooManyHeaders() async throws {
        var router = Router()
        router.get("/ok") { _, _, _ in Responses.text("ok") }
        try await withTestServer(router: router, configuration: HTTPServerConfiguration(maxHeaderCount: 10)) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            let headers = (0..<20).map { "X-H\($0): v\r\n" }.joined()
            let reply = try await RawConnection.connect(port: port)
                .sendAndReadUntilClose(Array("GET /ok HTTP/1.1\r\nHost: x\r\n\(headers)\r\n".utf8))
            #expect(reply.hasPrefix("HTTP/1.1 431"))
        }
    }

    @Test("oversized body → 413, announced or streamed", arguments: [true, false])
    func oversizedBody(announced: Bool) async throws {
        let handlerRan = Recorder()
        var router = Router()
        router.post("/upload") { _, body, _ in
            // Streaming: the handler may start before the size is known, but it never gets
            // more than the limit — reading an oversized body fails.
            _ = try await body.collect(upTo: 1 << 30)
            handlerRan.record("read a whole body")
            return Responses.text("ok")
        }
        try await withTestServer(router: router, configuration: HTTPServerConfiguration(maxBodyBytes: 1000)) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            let body = String(repeating: "b", count: 5000)
            let request: String
            if announced {
                request = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n\(body)"
            } else {
                // Chunked: the size is only discovered while streaming.
                let chunk = String(repeating: "b", count: 500)
                let chunks = (0..<10).map { _ in "1f4\r\n\(chunk)\r\n" }.joined()
                request = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\(chunks)0\r\n\r\n"
            }
            let reply = try await RawConnection.connect(port: port).sendAndReadUntilClose(Array(request.utf8))
            #expect(reply.hasPrefix("HTTP/1.1 413"))
            #expect(reply.lowercased().contains("connection: close"))
            // A body within the limit still works.
            let (ok, _) = try await ServiceHTTPClient().post("\(baseURL)/upload", body: Array(repeating: 0x61, count: 1000))
            #expect(ok.status == .ok)
        }
        #expect(handlerRan.all.count == 1)
    }

    @Test("request bodies stream to the handler as they arrive")
    func streamingBody() async throws {
        let (firstChunkSeen, signal) = AsyncStream<Void>.makeStream()
        var router = Router()
        router.post("/stream") { _, body, _ in
            var total = 0
            for try await chunk in body {
                if total == 0 { signal.yield() }
                total += chunk.count
            }
            return Responses.text("total=\(total)")
        }
        try await withTestServer(router: router) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            let connection = try await RawConnection.connect(port: port)
            let reply = try await connection.channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"))
                // The handler must see the first chunk while the client still holds the rest;
                // a server that buffered the whole body first would never get here.
                let sawFirstChunk = await withTaskGroup(of: Bool.self) { group in
                    group.addTask { for await _ in firstChunkSeen { return true }; return false }
                    group.addTask { try? await Task.sleep(for: .seconds(10)); return false }
                    let first = await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                #expect(sawFirstChunk)
                try await outbound.write(ByteBuffer(string: "6\r\n world\r\n0\r\n\r\n"))
                var received = ByteBuffer()
                for try await var chunk in inbound {
                    received.writeBuffer(&chunk)
                    if String(buffer: received).hasSuffix("total=11") { break }
                }
                return String(buffer: received)
            }
            #expect(reply.hasPrefix("HTTP/1.1 200"))
            #expect(reply.hasSuffix("total=11"))
        }
    }

    @Test("a handler that ignores the body still leaves the connection reusable")
    func unreadBodyIsDrained() async throws {
        var router = Router()
        router.post("/ignore") { _, _, _ in Responses.text("ignored") }
        try await withTestServer(router: router) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            let two = "POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloPOST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
            let reply = try await RawConnection.connect(port: port).sendAndReadUntilClose(Array(two.utf8))
            #expect(reply.components(separatedBy: "HTTP/1.1 200").count == 3)
        }
    }

    @Test("garbage on the socket closes that connection; the server keeps serving",
          arguments: ["\u{0}\u{1}\u{2}garbage\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /ok HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "POST /ok HTTP/1.1\r\nContent-Length: -5\r\n\r\n"])
    func garbage(payload: String) async throws {
        var router = Router()
        router.get("/ok") { _, _, _ in Responses.text("ok") }
        try await withTestServer(router: router) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            let reply = try await RawConnection.connect(port: port).sendAndReadUntilClose(Array(payload.utf8))
            #expect(reply.isEmpty || reply.hasPrefix("HTTP/1.1 400"))
            let (response, body) = try await ServiceHTTPClient().get("\(baseURL)/ok")
            #expect(response.status == .ok)
            #expect(String(decoding: body, as: UTF8.self) == "ok")
        }
    }

    @Test("keep-alive serves several requests on one connection; HTTP/1.0 closes")
    func keepAlive() async throws {
        var router = Router()
        router.get("/ok") { _, _, _ in Responses.text("ok") }
        try await withTestServer(router: router) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            let two = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let reply = try await RawConnection.connect(port: port).sendAndReadUntilClose(Array(two.utf8))
            #expect(reply.components(separatedBy: "HTTP/1.1 200").count == 3)
            let old = try await RawConnection.connect(port: port).sendAndReadUntilClose(Array("GET /ok HTTP/1.0\r\n\r\n".utf8))
            #expect(old.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("idle keep-alive connections are closed after the idle timeout")
    func idleTimeout() async throws {
        var router = Router()
        router.get("/ok") { _, _, _ in Responses.text("ok") }
        try await withTestServer(router: router, configuration: HTTPServerConfiguration(idleTimeout: .milliseconds(200))) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            // Send nothing: the server must close the connection by itself.
            let reply = try await RawConnection.connect(port: port).sendAndReadUntilClose([])
            #expect(reply.isEmpty)
        }
    }

    @Test("graceful shutdown finishes the in-flight request, then stops accepting")
    func gracefulShutdown() async throws {
        let gate = GatedRoute()
        let server = HTTPServer(router: gate.router)
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            let client = ServiceHTTPClient(configuration: .init(timeout: .seconds(10)))
            async let slow = client.get("http://127.0.0.1:\(port)/slow")
            await gate.waitUntilEntered()
            await group.triggerGracefulShutdown()
            // Give the shutdown a moment to close the listening socket.
            try await Task.sleep(for: .milliseconds(100))
            gate.release()
            let (response, body) = try await slow
            #expect(response.status == .ok)
            #expect(String(decoding: body, as: UTF8.self) == "finished")
            try await tasks.next()  // ServiceGroup.run returns once the server drained
            await #expect(throws: (any Error).self) {
                _ = try await ServiceHTTPClient(configuration: .init(timeout: .seconds(2))).get("http://127.0.0.1:\(port)/slow")
            }
        }
    }

    @Test("graceful shutdown closes idle keep-alive connections at once", .timeLimit(.minutes(1)))
    func gracefulShutdownClosesIdleConnections() async throws {
        // A long idle timeout: only the shutdown itself can close the connection in time.
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.idleTimeout = .seconds(600)
        let server = HTTPServer(configuration: configuration, router: Router())
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            try await RawConnection.connect(port: port).withSession { session in
                #expect(try await session.get("/nothing-here")?.hasPrefix("HTTP/1.1 404") == true)
                await group.triggerGracefulShutdown()
                try await tasks.next()  // drained: the idle connection did not hold the server
                #expect((try? await session.get("/nothing-here")) ?? nil == nil)
            }
        }
    }
}
