import HTTPTypes
import ServiceAuthCore
import ServiceContextModule
import Vapor

/// What the core sees of a Vapor request: its head as an `HTTPRequest`, its body as a
/// ``MessageBody`` and its ``ServiceAuth/RequestContext``.
enum VaporBridge {
    /// The request head in swift-http-types' terms; `Host` becomes the authority, as the
    /// package's own server presents it.
    static func head(of request: Request) -> HTTPRequest {
        var fields = HTTPFields()
        var authority: String?
        for (name, value) in request.headers {
            if name.lowercased() == "host" {
                authority = authority ?? value
                continue
            }
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return HTTPRequest(
            method: HTTPRequest.Method(request.method.rawValue) ?? .get,
            scheme: "http",
            authority: authority,
            path: request.url.string,
            headerFields: fields
        )
    }

    /// The core's context: route pattern (`/orders/{id}`), path parameters, peer and logger,
    /// with `auth` as the identities proved so far. Vapor does not tell a middleware the local
    /// port, so ``ServiceAuth/RequestContext/localPort`` is `nil`.
    static func context(of request: Request, auth: AuthContext) -> ServiceAuthCore.RequestContext {
        var pattern: String?
        var parameters: [String: String] = [:]
        if let route = request.route {
            var components: [String] = []
            for component in route.path {
                switch component {
                case .constant(let value): components.append(value)
                case .parameter(let name):
                    components.append("{\(name)}")
                    parameters[name] = request.parameters.get(name)
                case .anything: components.append("*")
                case .catchall: components.append("**")
                }
            }
            pattern = "/" + components.joined(separator: "/")
        }
        return ServiceAuthCore.RequestContext(
            auth: auth,
            routePattern: pattern,
            pathParameters: parameters,
            remoteAddress: request.remoteAddress?.description,
            logger: request.logger
        )
    }

    /// The body as a ``MessageBody``: the collected bytes when Vapor already has them, else a
    /// stream that collects the body (bounded by `limit`) on first read. Vapor keeps the bytes
    /// it collected, so the handler sees exactly what a SigV4 signature verified.
    static func body(of request: Request, limit: Int) -> MessageBody {
        if let data = request.body.data { return MessageBody(data.readableBytesView) }
        let source = VaporBodySource(request: request, limit: limit)
        let length = request.headers.first(name: .contentLength).flatMap { Int($0) }
        return MessageBody(stream: AsyncThrowingStream { try await source.next() }, length: length)
    }

    /// Runs the rest of the chain with `auth` as ``AuthContext/current``. It is also stored in
    /// `request.serviceContext`, which Vapor makes current around its own future-based steps
    /// when `traceAutoPropagation` is on (and would otherwise replace ours with).
    static func passOn(_ request: Request, as auth: AuthContext, to next: any AsyncResponder) async throws -> Response {
        request.serviceContext.authContext = auth
        return try await AuthContext.withCurrent(auth) { try await next.respond(to: request) }
    }

    /// Runs core code and returns its refusal as the exact response to send
    /// (``AuthFailureAbort/response()``), or `nil` when it passed.
    ///
    /// - Throws: `413` for a body over the limit; other errors of `operation`.
    static func refusal(_ operation: () async throws -> Void) async throws -> Response? {
        do {
            try await operation()
            return nil
        } catch let error as any AuthFailureConvertible {
            return AuthFailureAbort(error.authFailure).response()
        } catch let error as MessageBodyTooLarge {
            throw Abort(.payloadTooLarge, reason: error.description)
        }
    }
}

/// Collects a Vapor request's body once, when first read.
actor VaporBodySource {
    private let request: Request
    private let limit: Int
    private var delivered = false

    init(request: Request, limit: Int) {
        self.request = request
        self.limit = limit
    }

    /// The whole body as one chunk on the first call, then the end.
    func next() async throws -> ArraySlice<UInt8>? {
        guard !delivered else { return nil }
        delivered = true
        let request = self.request
        let limit = self.limit
        let buffer = try await request.eventLoop.flatSubmit { request.body.collect(max: limit) }.get()
        guard let buffer, buffer.readableBytes > 0 else { return nil }
        return ArraySlice(buffer.readableBytesView)
    }
}
