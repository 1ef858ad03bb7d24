import Foundation
import HTTPTypes
import ServiceAuth
import Synchronization
@testable import ServiceAuthIdP

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let seconds: Mutex<TimeInterval>
    init(_ start: TimeInterval = 1_800_000_000) { seconds = Mutex(start) }
    var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    func advance(_ interval: TimeInterval) { seconds.withLock { $0 += interval } }
    var closure: @Sendable () -> Date { { self.now } }
}

/// Sends one request to an issuer without a socket.
func send(
    _ issuer: LocalIssuer,
    _ method: HTTPRequest.Method,
    _ path: String,
    headers: HTTPFields = [:],
    authority: String = "127.0.0.1:9000",
    body: String = "",
    peer: PeerCertificate? = nil
) async throws -> (HTTPResponse, String) {
    let request = HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: headers)
    // Through the issuer's router, as a server would: its route groups carry the security.
    let route = issuer.router().resolve(method: method, path: path)
    // `peer`: the client certificate a verified mutual-TLS handshake would have delivered.
    let context = RequestContext(routePattern: route.pattern, pathParameters: route.parameters, peerCertificate: peer)
    let (response, responseBody): (HTTPResponse, MessageBody)
    do {
        (response, responseBody) = try await route.handler(request, MessageBody(body), context)
    } catch let failure as any AuthFailureConvertible {
        (response, responseBody) = failure.authFailure.response()
    }
    let bytes = try await responseBody.collect(upTo: 1 << 20)
    return (response, String(decoding: bytes, as: UTF8.self))
}

/// Decodes a JSON object.
func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

/// The unverified header and payload of a compact JWS.
func jwtParts(_ token: String) -> (header: [String: Any], payload: [String: Any]) {
    let parts = token.split(separator: ".")
    guard parts.count == 3,
        let header = Base64URL.decode(parts[0].utf8), let payload = Base64URL.decode(parts[1].utf8)
    else { return ([:], [:]) }
    return (jsonObject(String(decoding: header, as: UTF8.self)), jsonObject(String(decoding: payload, as: UTF8.self)))
}

/// Form-encoded body headers, with optional basic authentication.
func formHeaders(basic: (String, String)? = nil) -> HTTPFields {
    var fields = HTTPFields()
    fields[.contentType] = "application/x-www-form-urlencoded"
    if let (id, secret) = basic {
        fields[.authorization] = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
    }
    return fields
}

/// Headers of Cognito's JSON API.
func cognitoHeaders(target: String = "AWSCognitoIdentityProviderService.InitiateAuth") -> HTTPFields {
    var fields = HTTPFields()
    fields[.contentType] = "application/x-amz-json-1.1"
    fields[HTTPField.Name("X-Amz-Target")!] = target
    return fields
}

/// One RS256 key for every test issuer: generating an RSA-2048 key takes a noticeable part of
/// a second of CPU, and tests build an issuer per case, so fresh keys would hold the test
/// runner's threads for many seconds and starve the tests that measure deadlines.
enum TestSigningKey {
    static let shared: JWTSigner = try! SigningKeyRing.generateKey()
}
