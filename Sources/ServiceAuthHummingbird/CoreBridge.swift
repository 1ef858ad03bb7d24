import Hummingbird
import ServiceAuthCore

/// What the core sees of a Hummingbird request: its ``ServiceAuth/RequestContext`` and its
/// errors in Hummingbird's terms.
enum CoreBridge {
    /// The core's context for a request: route, path parameters, peer, port and logger, with
    /// `auth` as the identities proved so far.
    static func requestContext(_ context: some ServiceAuthRequestContext, auth: AuthContext) -> ServiceAuthCore.RequestContext {
        var parameters: [String: String] = [:]
        for (name, value) in context.parameters { parameters[String(name)] = String(value) }
        // The peer as the package's own server and the Vapor adapter write it (for logs).
        let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress?.description
        return ServiceAuthCore.RequestContext(
            auth: auth,
            routePattern: context.endpointPath,
            pathParameters: parameters,
            remoteAddress: remote,
            localPort: context.localPort,
            logger: context.logger
        )
    }

    /// Runs core code, turning its refusals into Hummingbird errors: an
    /// ``AuthFailureConvertible`` becomes ``AuthFailureResponseError``, a body over the
    /// authenticator's limit `413 Content Too Large`; anything else is rethrown.
    static func translatingErrors<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as any AuthFailureConvertible {
            throw AuthFailureResponseError(error.authFailure)
        } catch let error as MessageBodyTooLarge {
            throw HTTPError(.contentTooLarge, message: error.description)
        }
    }
}
