import Foundation
import HTTPTypes
import Logging
import ServiceAuth
import ServiceAuthHTTP
import Testing

/// An unexpected handler error becomes an opaque 500; its log line names the path without the
/// query, because presigned URLs carry credentials there.
@Suite("Server error logs")
struct ServerErrorLogTests {
    struct Boom: Error {}

    @Test func the500LogLineCarriesThePathWithoutItsQuery() async throws {
        let capture = TokenTestLogCapture()
        var router = Router()
        router.get("/boom") { _, _, _ in throw Boom() }
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router, logger: capture.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            let port = try await server.listeningPort()
            let query = "X-Amz-Credential=AKIAPRESIGNED0000001%2F20251124&X-Amz-Signature=deadbeefcafe"
            let (response, body) = try await ServiceHTTPClient().get("http://127.0.0.1:\(port)/boom?\(query)")
            #expect(response.status == .internalServerError)
            let text = String(decoding: body, as: UTF8.self)
            #expect(!text.contains("AKIAPRESIGNED") && !text.contains("Boom"))
            let lines = capture.all.filter { $0.contains("handler failed") }
            #expect(lines.count == 1)
            #expect(lines.allSatisfy { $0.contains("/boom") && !$0.contains("AKIAPRESIGNED") && !$0.contains("deadbeef") })
        }
    }
}
