public import Hummingbird
public import ServiceAuthCore

/// A refused request (``AuthFailure``) as a Hummingbird `HTTPResponseError`.
///
/// Its response is exactly ``AuthFailure/response()``: the status, one `WWW-Authenticate`
/// field per challenge, `Cache-Control: no-store` and the JSON body
/// `{"error":"<code>","message":"…"}` — the same bytes the package's own server sends.
public struct AuthFailureResponseError: HTTPResponseError, AuthFailureConvertible, CustomStringConvertible {
    /// The failure.
    public let authFailure: AuthFailure

    /// Wraps a failure.
    ///
    /// - Parameter failure: The failure to render.
    public init(_ failure: AuthFailure) { self.authFailure = failure }

    /// The failure's status (`401`, `403`, …).
    public var status: HTTPResponse.Status { authFailure.status }

    /// The failure's code and message.
    public var description: String { authFailure.description }

    /// Renders ``AuthFailure/response()``.
    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        let (head, bytes) = authFailure.responseParts()
        return Response(status: head.status, headers: head.headerFields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
