public import HTTPTypes
public import ServiceAuth
import Foundation

extension LocalIssuer {
    /// Answers one request. Never throws and never answers 500 for bad input: every failure is
    /// written in the error format of the API the request addressed.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body; at most ``Options/maxBodyBytes`` are read.
    ///   - context: The request's context: its ``RequestContext/peerCertificate`` (a client
    ///     certificate the TLS handshake verified) authenticates `tls_client_auth` clients and
    ///     binds the access tokens minted for it (RFC 8705). Default: no certificate.
    /// - Returns: The response head and body.
    public func respond(to request: HTTPRequest, body: MessageBody, context: RequestContext = RequestContext()) async -> (HTTPResponse, MessageBody) {
        let requestId = Self.newRequestId()
        let route = Route(request: request, userPoolId: configuration.userPoolId)
        let bytes: [UInt8]
        do {
            bytes = try await body.collect(upTo: options.maxBodyBytes)
        } catch {
            let response = route.tooLargeResponse(requestId: requestId)
            metrics.error(api: route.api, code: "too_large")
            return (response.head, MessageBody(response.body))
        }
        let response = await respond(route: route, request: request, body: bytes, peer: context.peerCertificate, requestId: requestId)
        return (response.head, MessageBody(response.body))
    }

    func respond(route: Route, request: HTTPRequest, body: [UInt8], peer: PeerCertificate?, requestId: String) async -> IssuerResponse {
        switch route {
        case .healthz:
            return IssuerResponse(contentType: "text/plain", text: "ok\n")
        case .metrics:
            return IssuerResponse(contentType: "text/plain; version=0.0.4", body: metricsRegistry.emitToBuffer())
        case .jwks:
            var headers = HTTPFields()
            headers[.cacheControl] = "public, max-age=60"
            return .json(jwks, extraHeaders: headers)
        case .openIDConfiguration:
            return .json(openIDConfiguration(for: request))
        case .token:
            return tokenEndpoint(request: request, body: body, peer: peer)
        case .cognito(let target):
            return initiateAuthEndpoint(target: target, request: request, body: body, requestId: requestId)
        case .sts:
            return await stsEndpoint(request: request, body: body, requestId: requestId)
        case .methodNotAllowed:
            metrics.error(api: "http", code: "method_not_allowed")
            return .json(["error": "method_not_allowed"], status: .methodNotAllowed)
        case .notFound:
            metrics.error(api: "http", code: "not_found")
            return .json(["error": "not_found"], status: .notFound)
        }
    }

    /// What a request addresses. `POST /` carries two APIs: Cognito's JSON API names its
    /// operation in `X-Amz-Target`; everything else there is the STS query API.
    enum Route: Sendable, Equatable {
        case healthz, metrics, jwks, openIDConfiguration, token
        case cognito(target: String)
        case sts
        case methodNotAllowed, notFound

        init(request: HTTPRequest, userPoolId: String) {
            let fullPath = request.path ?? "/"
            let path = String(RequestPath.withoutQuery(fullPath))
            // HEAD is answered like GET (the server drops the body).
            let method = request.method == .head ? HTTPRequest.Method.get : request.method
            func only(_ allowed: HTTPRequest.Method, _ route: Route) -> Route { method == allowed ? route : .methodNotAllowed }
            // The routes are ASCII; a path that is not is refused first, so no canonically
            // equivalent spelling (KELVIN SIGN for `K`) reaches a route through `==`.
            guard RequestPath.isASCII(path) else {
                self = .notFound
                return
            }
            switch path {
            case "/healthz": self = only(.get, .healthz)
            case "/metrics": self = only(.get, .metrics)
            case "/\(userPoolId)/.well-known/jwks.json": self = only(.get, .jwks)
            case "/\(userPoolId)/.well-known/openid-configuration": self = only(.get, .openIDConfiguration)
            case "/oauth2/token": self = only(.post, .token)
            case "/":
                if method == .post, let target = request.headerFields[HTTPField.Name("X-Amz-Target")!] {
                    self = .cognito(target: target)
                } else if method == .post || method == .get {
                    self = .sts
                } else {
                    self = .methodNotAllowed
                }
            default: self = .notFound
            }
        }

        /// The API label for metrics.
        var api: String {
            switch self {
            case .token: "oauth2"
            case .cognito: "cognito"
            case .sts: "sts"
            default: "http"
            }
        }

        /// The "body too large" answer in the addressed API's own error format.
        func tooLargeResponse(requestId: String) -> IssuerResponse {
            switch self {
            case .token: OAuthError.invalidRequest("request body too large").response.with(status: .contentTooLarge)
            case .cognito: CognitoError.tooLarge().response(requestId: requestId)
            case .sts: STSError.tooLarge().response(requestId: requestId)
            default: .json(["error": "request_too_large"], status: .contentTooLarge)
            }
        }
    }
}

extension IssuerResponse {
    func with(status: HTTPResponse.Status) -> IssuerResponse {
        var copy = self
        copy.status = status
        return copy
    }
}
