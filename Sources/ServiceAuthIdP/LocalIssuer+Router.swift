public import ServiceAuthHTTP
import ServiceAuth
import HTTPTypes

extension LocalIssuer {
    /// A router serving every endpoint of the issuer, for the package's ``HTTPServer`` (or
    /// `withTestServer`).
    ///
    /// The public endpoints go to ``respond(to:body:context:)`` (with the request's context, so
    /// the token endpoint sees a mutual-TLS client certificate), which dispatches itself so that
    /// unknown paths and wrong methods are answered in the same way whichever server hosts the
    /// issuer. With an admin token, `/local/**` is a route group whose security is that token
    /// (``SharedSecretTokenVerifier``): every request there without it is `401`, whatever its
    /// path or method, before anything else happens.
    ///
    /// - Returns: The router.
    public func router() -> Router {
        let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .options]
        var router = Router()
        if let adminToken = options.adminToken {
            let admin = RouteSecurity([
                BearerTokenAuthenticator(verifier: SharedSecretTokenVerifier(
                    secret: adminToken, identity: Identity(kind: .service, subject: "local-admin")))
            ])
            router.group("/local", security: admin) { local in
                for method in methods {
                    local.on(method, "/**") { [self] request, _, _ in self.respondAsAdmin(to: request) }
                }
            }
        }
        for method in methods {
            router.on(method, "/**") { [self] request, body, context in
                await self.respond(to: request, body: body, context: context)
            }
        }
        return router
    }
}


