import HTTPTypes
import ServiceAuth

/// Runs `wrapped` for every request except those to a few public paths (`/healthz`,
/// `/metrics`), which pass straight through.
struct PublicPathsMiddleware: ServerMiddleware {
    let publicPaths: Set<String>
    let wrapped: any ServerMiddleware

    init(publicPaths: Set<String>, wrapping wrapped: any ServerMiddleware) {
        self.publicPaths = publicPaths
        self.wrapped = wrapped
    }

    func intercept(
        _ request: HTTPRequest,
        body: MessageBody,
        context: RequestContext,
        next: ServerNext
    ) async throws -> (HTTPResponse, MessageBody) {
        let path = request.path.map { String(RequestPath.withoutQuery($0)) } ?? "/"
        if request.method == .get, publicPaths.contains(path) { return try await next(request, body, context) }
        return try await wrapped.intercept(request, body: body, context: context, next: next)
    }
}
