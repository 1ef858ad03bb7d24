extension Identity {
    /// Checks RFC 8705's certificate binding: an identity bound to a certificate
    /// (``boundCertificateThumbprint``, the token's `cnf.x5t#S256`) counts only over a
    /// connection authenticated with that certificate (RFC 8705 §3). An unbound identity passes.
    ///
    /// The thumbprints are compared in constant time: the binding is what stands between a
    /// stolen token and its use, so the comparison leaks nothing about how close a guess is.
    ///
    /// - Parameter certificate: The connection's verified client certificate, if any.
    /// - Throws: ``AuthFailure`` `401 certificate_mismatch` with `Bearer error="invalid_token"`
    ///   when the identity is bound and the connection presented no certificate or another one.
    public func verifyCertificateBinding(presented certificate: PeerCertificate?) throws(AuthFailure) {
        guard let bound = boundCertificateThumbprint else { return }
        guard let certificate else {
            throw AuthFailure(
                status: .unauthorized, code: "certificate_mismatch", challenge: .bearerInvalidToken,
                message: "the token is bound to a client certificate and the connection presented none")
        }
        guard SecretComparison.equal(bound, certificate.thumbprintSHA256) else {
            throw AuthFailure(
                status: .unauthorized, code: "certificate_mismatch", challenge: .bearerInvalidToken,
                message: "the token is bound to another client certificate")
        }
    }
}
