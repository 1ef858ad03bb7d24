import Foundation
import HTTPTypes
import OpenAPIRuntime
import ServiceAuth
import ServiceAuthOpenAPI
import Synchronization
import Testing

/// Authenticates `Bearer good` as a service, refuses anything else.
struct StubAuthenticator: ServiceAuth.Authenticator {
    func authenticate(_ request: HTTPRequest, body: inout MessageBody, auth: inout AuthContext, context: RequestContext) async throws -> Bool {
        guard let value = request.headerFields[.authorization] else { return false }
        guard value == "Bearer good" else {
            throw AuthFailure(status: .unauthorized, code: "bad_signature", challenge: .bearerInvalidToken, message: "bad token")
        }
        try auth.recordCaller(Identity(kind: .service, clientId: "svc", scopes: ["things/write"]))
        return true
    }

    func unauthenticatedFailure(for request: HTTPRequest) -> AuthFailure? {
        AuthFailure(status: .unauthorized, code: "missing_token", challenge: .bearer, message: "no token")
    }
}

/// Holds the last request a middleware saw.
final class RequestBox: Sendable {
    private let request = Mutex<HTTPRequest?>(nil)
    func set(_ value: HTTPRequest) { request.withLock { $0 = value } }
    var value: HTTPRequest? { request.withLock { $0 } }
}

/// Records the request it is given, as a client middleware sees it.
struct RecordingClientMiddleware: ServiceAuth.ClientMiddleware {
    let seen: RequestBox
    func intercept(_ request: HTTPRequest, body: MessageBody, next: ClientNext) async throws -> (HTTPResponse, MessageBody) {
        seen.set(request)
        var request = request
        request.headerFields[.authorization] = "Bearer from-middleware"
        return try await next(request, body)
    }
}

@Suite("OpenAPI runtime adapters")
struct OpenAPIAdapterTests {
    @Test("server adapter: failures become 401 responses; the handler sees the identity and the body")
    func server() async throws {
        let adapter = OpenAPIServerAuthMiddleware(
            default: RouteSecurity([StubAuthenticator()]),
            operations: ["health": .public, "admin": RouteSecurity([StubAuthenticator()], policy: .scopes("things/admin"))]
        )
        let handler: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?) = { _, body, _ in
            let bytes = try await [UInt8](collecting: body ?? HTTPBody(), upTo: 1024)
            let caller = AuthContext.current?.caller?.clientId ?? "none"
            return (HTTPResponse(status: .ok), HTTPBody("\(caller):\(String(decoding: bytes, as: UTF8.self))"))
        }
        var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/things")
        let (refused, refusedBody) = try await adapter.intercept(request, body: HTTPBody("x"), metadata: .init(), operationID: "create", next: handler)
        #expect(refused.status == .unauthorized)
        #expect(refused.headerFields[.wwwAuthenticate] == "Bearer")
        let refusedText = try await String(collecting: refusedBody!, upTo: 1024)
        #expect(refusedText.contains("missing_token"))

        request.headerFields[.authorization] = "Bearer good"
        let (ok, okBody) = try await adapter.intercept(request, body: HTTPBody("payload"), metadata: .init(), operationID: "create", next: handler)
        #expect(ok.status == .ok)
        #expect(try await String(collecting: okBody!, upTo: 1024) == "svc:payload")

        // Security is typed per operation: a public one needs nothing, another its own scope.
        let health = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/health")
        let (open, _) = try await adapter.intercept(health, body: nil, metadata: .init(), operationID: "health", next: handler)
        #expect(open.status == .ok)
        let (denied, _) = try await adapter.intercept(request, body: nil, metadata: .init(), operationID: "admin", next: handler)
        #expect(denied.status == .forbidden)
        #expect(denied.headerFields[.wwwAuthenticate] == #"Bearer error="insufficient_scope""#)
    }

    @Test("client adapter: middleware see the full target; the transport gets the relative path back")
    func client() async throws {
        let seen = RequestBox()
        let adapter = OpenAPIClientAuthMiddleware([RecordingClientMiddleware(seen: seen)])
        let request = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/orders/1?x=1")
        let sent = RequestBox()
        let (response, _) = try await adapter.intercept(
            request, body: nil, baseURL: URL(string: "https://api.example.com:8443/v1/")!, operationID: "get"
        ) { request, _, _ in
            sent.set(request)
            return (HTTPResponse(status: .noContent), nil)
        }
        #expect(response.status == .noContent)
        let inMiddleware = try #require(seen.value)
        #expect(inMiddleware.scheme == "https")
        #expect(inMiddleware.authority == "api.example.com:8443")
        #expect(inMiddleware.path == "/v1/orders/1?x=1")
        let toTransport = try #require(sent.value)
        #expect(toTransport.path == "/orders/1?x=1")
        #expect(toTransport.headerFields[.authorization] == "Bearer from-middleware")
    }
}
