public import Foundation
public import HTTPTypes

/// Identifies the workload that opened the connection by its client certificate (mutual TLS).
///
/// The TLS handshake already verified the certificate chain against the server's trusted CA
/// before the server filled in ``RequestContext/peerCertificate``; this authenticator only
/// turns that proof into an identity, so the certificate's SPIFFE ID is as trustworthy as the
/// CA that signed it — never a claim the client could make up.
///
/// - no client certificate: absent (the route's `401` is then `missing_client_certificate`);
/// - a certificate past its `notValidAfter`: `401 client_certificate_expired`. The handshake
///   checked validity when the connection opened, but a keep-alive or HTTP/2 connection can
///   outlive the certificate, and a request on it must not;
/// - otherwise ``AuthContext/workload`` becomes a ``Identity/Kind/workload`` identity whose
///   ``Identity/principal`` is the SPIFFE ID (else the certificate's ``PeerCertificate/workloadName``).
///
/// The workload is not a caller credential beside a token: a bearer token on the same request
/// stays the caller, and ``RouteSecurity`` makes the workload the caller only when nothing else
/// proved one. Put it first among a route's authenticators, so that the propagated-user and
/// identity-chain authenticators after it see the proved hop.
public struct MutualTLSAuthenticator: Authenticator {
    /// The clock the certificate's expiry is checked against.
    private let now: @Sendable () -> Date

    /// Creates the authenticator.
    ///
    /// - Parameter now: The clock for the certificate's expiry; injectable for tests.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Records the workload the connection's verified client certificate proves, if any.
    public func authenticate(_ request: HTTPRequest, body: inout MessageBody, auth: inout AuthContext, context: RequestContext)
        async throws -> Bool
    {
        guard let certificate = context.peerCertificate else { return false }
        guard now() < certificate.notValidAfter else {
            throw AuthFailure(
                status: .unauthorized, code: "client_certificate_expired", challenge: nil,
                message: "the connection's client certificate has expired")
        }
        auth.workload = Identity(
            kind: .workload,
            subject: certificate.workloadName,
            principal: certificate.spiffeID ?? certificate.workloadName,
            expiresAt: certificate.notValidAfter
        )
        return true
    }

    /// `401 missing_client_certificate`, without a challenge: a client certificate is asked
    /// for by the TLS handshake, not by HTTP, and no `WWW-Authenticate` scheme names it
    /// (RFC 8705 defines none). A route that also accepts a token lists that token's challenge.
    public func unauthenticatedFailure(for request: HTTPRequest) -> AuthFailure? {
        AuthFailure(
            status: .unauthorized, code: "missing_client_certificate", challenge: nil,
            message: "the connection did not present a client certificate")
    }
}
