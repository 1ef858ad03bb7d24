import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Testing

/// Stores a fixed identity, as an authenticator would.
struct FakeAuthenticator: ServerMiddleware {
    func intercept(_ request: HTTPRequest, body: MessageBody, context: RequestContext, next: ServerNext) async throws -> (HTTPResponse, MessageBody) {
        var context = context
        context.auth.caller = Identity(kind: .service, subject: "svc-1", clientId: "gateway", scopes: ["orders/invoke"])
        context.auth.user = Identity(kind: .user, subject: "u-1", username: "alice")
        context.auth.userToken = "user-token"
        context.auth.chain = ["gateway"]
        return try await next(request, body, context)
    }
}

/// Copies what it sees in `AuthContext.current` into request headers.
struct ContextEchoClientMiddleware: ClientMiddleware {
    func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        var request = request
        let context = AuthContext.current
        request.headerFields[HTTPField.Name("x-seen-user")!] = context?.user?.username ?? "none"
        request.headerFields[HTTPField.Name("x-seen-caller")!] = context?.caller?.clientId ?? "none"
        request.headerFields[HTTPField.Name("x-seen-token")!] = context?.userToken ?? "none"
        return try await next(request, body)
    }
}

@Suite("AuthContext propagation")
struct AuthContextPropagationTests {
    @Test("identity set by server middleware reaches the handler and an outbound client middleware")
    func contextReachesOutboundMiddleware() async throws {
        var downstream = Router()
        downstream.get("/seen") { request, _, _ in
            Responses.json([
                "user": request.headerFields[HTTPField.Name("x-seen-user")!] ?? "",
                "caller": request.headerFields[HTTPField.Name("x-seen-caller")!] ?? "",
                "token": request.headerFields[HTTPField.Name("x-seen-token")!] ?? "",
            ])
        }
        try await withTestServer(router: downstream) { downstreamURL in
            let outbound = ServiceHTTPClient(middleware: [ContextEchoClientMiddleware()])
            var upstream = Router()
            upstream.get("/call") { _, _, context in
                // The handler sees the context directly…
                #expect(context.auth.user?.username == "alice")
                #expect(AuthContext.current?.summary == "user alice via gateway")
                // …and an outbound call made here carries it without being passed anything.
                let (_, body) = try await outbound.get("\(downstreamURL)/seen")
                return Responses.bytes(body, contentType: "application/json")
            }
            try await withTestServer(router: upstream, middleware: [FakeAuthenticator()]) { upstreamURL in
                let (response, body) = try await ServiceHTTPClient().get("\(upstreamURL)/call")
                #expect(response.status == .ok)
                let json = try JSONDecoder().decode([String: String].self, from: Data(body))
                #expect(json == ["user": "alice", "caller": "gateway", "token": "user-token"])
            }
        }
        // Outside any request there is no context.
        #expect(AuthContext.current == nil)
    }

    @Test("context does not leak between requests")
    func noLeakBetweenRequests() async throws {
        let outbound = ServiceHTTPClient(middleware: [ContextEchoClientMiddleware()])
        var downstream = Router()
        downstream.get("/seen") { request, _, _ in
            Responses.text(request.headerFields[HTTPField.Name("x-seen-user")!] ?? "")
        }
        try await withTestServer(router: downstream) { downstreamURL in
            var upstream = Router()
            upstream.get("/call") { _, _, _ in
                let (_, body) = try await outbound.get("\(downstreamURL)/seen")
                return Responses.bytes(body, contentType: "text/plain")
            }
            // No authenticator: the handler's outbound call must see no user.
            try await withTestServer(router: upstream) { upstreamURL in
                let (_, body) = try await ServiceHTTPClient().get("\(upstreamURL)/call")
                #expect(String(decoding: body, as: UTF8.self) == "none")
            }
        }
    }
}
