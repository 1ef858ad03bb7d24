public import HTTPTypes

/// One authentication mechanism: it identifies the caller and nothing else.
///
/// An authenticator looks for its own credential in the request (a bearer JWT, a SigV4
/// signature, a propagated user token, …):
/// - **present and valid**: it records what it proved in `auth` and returns `true`;
/// - **present but invalid**: it throws (an ``AuthFailureConvertible`` error, a `401`);
/// - **absent**: it returns `false` and leaves `auth` alone, so that several mechanisms can
///   stand side by side on one route ("JWT or SigV4").
///
/// Whether the identity may do what it asks is not its business: that is the route's
/// ``AuthorizationPolicy``. ``RouteSecurity`` runs a route's authenticators in order, then its
/// policy, and answers `401` with every mechanism's challenge when none proved a caller.
public protocol Authenticator: Sendable {
    /// Looks for this mechanism's credential and records what it proves.
    ///
    /// - Parameters:
    ///   - request: The request head.
    ///   - body: The request body; a mechanism that must read it (SigV4 hashes it) replaces it
    ///     with the bytes it read.
    ///   - auth: The identities proved so far on this request; add what this credential proves.
    ///   - context: The request's context (route, peer, logger).
    /// - Returns: `true` when the credential was present and verified, `false` when absent.
    /// - Throws: An ``AuthFailureConvertible`` error when the credential is present but not
    ///   valid; ``MessageBodyTooLarge`` or the body's errors when the body had to be read.
    func authenticate(
        _ request: HTTPRequest,
        body: inout MessageBody,
        auth: inout AuthContext,
        context: RequestContext
    ) async throws -> Bool

    /// The `401` to answer when the route's authenticators proved no caller, or `nil` for a
    /// mechanism that never identifies a caller on its own (e.g. the identity chain).
    ///
    /// A route lists the challenges of all its mechanisms; the first mechanism's code wins.
    ///
    /// - Parameter request: The request, e.g. to tell "no credential" from "another scheme".
    /// - Returns: The failure.
    func unauthenticatedFailure(for request: HTTPRequest) -> AuthFailure?

    /// The most body bytes this mechanism reads, or `nil` when it never reads the body — so an
    /// adapter whose framework buffers bodies knows whether (and how much) to collect first.
    var bodyLimit: Int? { get }
}

extension Authenticator {
    /// By default a mechanism does not identify a caller on its own.
    public func unauthenticatedFailure(for request: HTTPRequest) -> AuthFailure? { nil }

    /// By default a mechanism reads only the request head.
    public var bodyLimit: Int? { nil }
}

extension AuthContext {
    /// Records the request's direct caller.
    ///
    /// Refuses a second caller credential: a request that carries two (a bearer token and a
    /// presigned SigV4 query, say) is ambiguous, and zero trust does not pick one for it.
    ///
    /// - Parameter identity: The verified caller.
    /// - Throws: ``AuthFailure`` `401 malformed` when a caller is already recorded.
    public mutating func recordCaller(_ identity: Identity) throws(AuthFailure) {
        guard caller == nil else {
            throw AuthFailure(
                status: .unauthorized, code: "malformed", challenge: nil,
                message: "the request carries more than one caller credential")
        }
        caller = identity
    }
}
