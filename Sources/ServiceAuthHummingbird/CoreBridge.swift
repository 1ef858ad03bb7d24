import Hummingbird
import NIOCore
import ServiceAuthCore

/// What the core sees of a Hummingbird request: its ``ServiceAuth/RequestContext`` and its
/// errors in Hummingbird's terms.
enum CoreBridge {
    /// The core's context for a request: route, path parameters, peer, port and logger, with
    /// `auth` as the identities proved so far.
    static func requestContext(_ context: some ServiceAuthRequestContext, auth: AuthContext) -> ServiceAuthCore.RequestContext {
        var parameters: [String: String] = [:]
        for (name, value) in context.parameters { parameters[String(name)] = String(value) }
        let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress.map(describe)
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

    private static func describe(_ address: SocketAddress) -> String {
        switch (address.ipAddress, address.port) {
        case (let ip?, let port?): address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        case (let ip?, nil): ip
        default: address.description
        }
    }
}
