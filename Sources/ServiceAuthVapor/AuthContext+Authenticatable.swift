public import ServiceAuthCore
public import Vapor

// `AuthContext` is declared in this package (ServiceAuth), so the conformance is not
// retroactive; ServiceAuth itself never depends on Vapor, this module is its only home.
extension AuthContext: Authenticatable {}

extension Request {
    /// The identities a ``ServiceAuthAuthenticatorMiddleware`` proved for this request
    /// (`req.auth.get(AuthContext.self)`), or `nil`.
    public var serviceAuth: AuthContext? { auth.get(AuthContext.self) }
}
