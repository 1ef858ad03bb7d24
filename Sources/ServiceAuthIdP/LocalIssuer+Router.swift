public import ServiceAuthHTTP
import HTTPTypes

extension LocalIssuer {
    /// A router serving every endpoint of the issuer, for the package's ``HTTPServer`` (or
    /// `withTestServer`).
    ///
    /// All paths go to ``respond(to:body:)``, which dispatches itself so that unknown paths and
    /// wrong methods are answered in the same way whichever server hosts the issuer.
    ///
    /// - Returns: The router.
    public func router() -> Router {
        var router = Router()
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .options] {
            router.on(method, "/**") { [self] request, body, _ in
                await self.respond(to: request, body: body)
            }
        }
        return router
    }
}


