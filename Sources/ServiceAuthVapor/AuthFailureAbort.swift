public import ServiceAuthCore
public import Vapor

/// A refused request (``AuthFailure``) in Vapor's terms.
///
/// The middleware of this module answer with ``response()`` directly, so a refusal is exactly
/// ``AuthFailure/response()`` — status, one `WWW-Authenticate` field per challenge,
/// `Cache-Control: no-store` and the JSON body `{"error":"<code>","message":"…"}` — whatever
/// `ErrorMiddleware` the application uses. Thrown from a handler, it is an `AbortError` with
/// the failure's status and challenges (Vapor's `ErrorMiddleware` then writes its own body),
/// and it encodes as the exact response where Vapor asks for an `AsyncResponseEncodable`.
public struct AuthFailureAbort: AbortError, AuthFailureConvertible, AsyncResponseEncodable {
    /// The failure.
    public let authFailure: AuthFailure

    /// Wraps a failure.
    ///
    /// - Parameter failure: The failure to render.
    public init(_ failure: AuthFailure) { self.authFailure = failure }

    /// The failure's status.
    public var status: HTTPResponseStatus { HTTPResponseStatus(statusCode: Int(authFailure.status.code)) }

    /// The failure's message.
    public var reason: String { authFailure.message }

    /// The `WWW-Authenticate` challenges and `Cache-Control: no-store`.
    public var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: .cacheControl, value: "no-store")
        for challenge in authFailure.challenges { headers.add(name: .wwwAuthenticate, value: challenge.headerValue) }
        return headers
    }

    /// Exactly ``AuthFailure/response()`` as a Vapor `Response`.
    public func response() -> Response {
        let (head, bytes) = authFailure.responseParts()
        var headers = HTTPHeaders()
        for field in head.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
    }

    /// Exactly ``AuthFailure/response()``.
    public func encodeResponse(for request: Request) async throws -> Response { response() }
}
