import Foundation
import HTTPTypes
import Synchronization

import ServiceAuthIdP
@testable import ServiceAuthCore

/// Client certificates as the server hands them to routes after a verified handshake, made by
/// the package's own local CA.
enum TestWorkloads {
    static let authority = try! LocalCertificateAuthority(trustDomain: "demo.local")
    static let otherAuthority = try! LocalCertificateAuthority(trustDomain: "evil.local")

    static let gateway = try! authority.issue(workload: "gateway").peerCertificate()
    static let orders = try! authority.issue(workload: "orders").peerCertificate()
    static let prodGateway = try! authority.issue(workload: "gateway", spiffeID: "spiffe://demo.local/ns/prod/sa/gateway").peerCertificate()
    /// Same path, another trust domain.
    static let foreignGateway = try! otherAuthority.issue(workload: "gateway", spiffeID: "spiffe://evil.local/ns/demo/sa/gateway").peerCertificate()
    /// Expired an hour ago.
    static let expired = try! authority.issue(
        workload: "stale", notValidBefore: Date().addingTimeInterval(-7200), notValidAfter: Date().addingTimeInterval(-3600)
    ).peerCertificate()
}

/// Runs one request through a route's security with `peer` as the connection's verified
/// client certificate; returns the response and the identities the handler saw.
func runSecured(
    _ security: RouteSecurity,
    peer: PeerCertificate?,
    headers: HTTPFields = HTTPFields()
) async throws -> (HTTPResponse, AuthContext?) {
    let request = HTTPRequest(method: .get, scheme: "https", authority: "svc.test", path: "/orders/1", headerFields: headers)
    let seen = Mutex<AuthContext?>(nil)
    do {
        let context = RequestContext(peerCertificate: peer)
        let (response, _) = try await security.run(request, body: MessageBody(), context: context) { _, body, context in
            seen.withLock { $0 = context.auth }
            return (HTTPResponse(status: .ok), body)
        }
        return (response, seen.withLock { $0 })
    } catch let failure as any AuthFailureConvertible {
        return (failure.authFailure.response().0, nil)
    }
}

/// The `error` code of a failure response (from its JSON body), read through the failure path.
func failureCode(
    _ security: RouteSecurity, peer: PeerCertificate?, headers: HTTPFields = HTTPFields()
) async -> String? {
    let request = HTTPRequest(method: .get, scheme: "https", authority: "svc.test", path: "/orders/1", headerFields: headers)
    do {
        _ = try await security.run(request, body: MessageBody(), context: RequestContext(peerCertificate: peer)) { _, body, _ in
            (HTTPResponse(status: .ok), body)
        }
        return nil
    } catch let failure as any AuthFailureConvertible {
        return failure.authFailure.code
    } catch {
        return "unexpected: \(error)"
    }
}

func bearerHeader(_ token: String) -> HTTPFields {
    var fields = HTTPFields()
    fields[.authorization] = "Bearer \(token)"
    return fields
}
