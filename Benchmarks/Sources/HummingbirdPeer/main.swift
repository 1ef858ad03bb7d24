import Foundation
import Hummingbird
import HummingbirdAuth
import JWTKit
import NIOCore

// The server a Swift user would pick instead, for side-by-side load runs (Scripts/bench-http.sh):
// Hummingbird 2 with a bare `GET /hello`, and `GET /whoami` behind a hummingbird-auth
// authenticator that verifies the RS256 bearer token with jwt-kit on every request (no cache),
// checking what the project's gateway checks (exp, iss, client_id, token_use).
//
//   HummingbirdPeer --port 0 [--jwks-file FILE --issuer ISS --client-id ID]
//
// The JWKS is read from a file (the script fetches it from the local issuer with curl), as a
// Hummingbird user would load keys at start.
//
// Prints `listening on http://127.0.0.1:PORT` when ready, like the project's services. Not a
// benchmark target: a process for wrk/h2load to load.

struct Options {
    var port = 0
    var jwksFile: String?
    var issuer: String?
    var clientId: String?

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next()
            switch flag {
            case "--port": port = value.flatMap(Int.init) ?? 0
            case "--jwks-file": jwksFile = value
            case "--issuer": issuer = value
            case "--client-id": clientId = value
            default:
                FileHandle.standardError.write(Data("HummingbirdPeer: unknown flag \(flag)\n".utf8))
                exit(2)
            }
        }
    }
}

/// The verified caller, as `/whoami` answers it.
struct User: ResponseEncodable, Sendable {
    var sub: String
    var username: String?
    var clientId: String
    var scopes: [String]
}

/// The claims of the local issuer's (Cognito-shaped) access tokens that the checks need.
struct AccessTokenPayload: JWTPayload {
    var sub: SubjectClaim
    var iss: IssuerClaim
    var exp: ExpirationClaim
    var client_id: String
    var token_use: String
    var scope: String?
    var username: String?

    func verify(using algorithm: some JWTKit.JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// A hummingbird-auth authenticator: bearer token → jwt-kit verification → `User`.
struct JWTAuthenticator<Context: AuthRequestContext<User>>: AuthenticatorMiddleware {
    let keys: JWTKeyCollection
    let issuer: String
    let clientId: String

    func authenticate(request: Request, context: Context) async throws -> User? {
        guard let bearer = request.headers.bearer else { return nil }
        let payload: AccessTokenPayload
        do {
            payload = try await keys.verify(bearer.token, as: AccessTokenPayload.self)
        } catch {
            throw HTTPError(.unauthorized)
        }
        guard payload.iss.value == issuer, payload.client_id == clientId, payload.token_use == "access" else {
            throw HTTPError(.unauthorized)
        }
        return User(
            sub: payload.sub.value, username: payload.username, clientId: payload.client_id,
            scopes: payload.scope.map { $0.split(separator: " ").map(String.init) } ?? [])
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let router = Router(context: BasicAuthRequestContext<User>.self)
router.get("/hello") { _, _ in "Hello" }

if let jwksFile = options.jwksFile, let issuer = options.issuer, let clientId = options.clientId {
    let keys = JWTKeyCollection()
    guard let data = FileManager.default.contents(atPath: jwksFile) else {
        FileHandle.standardError.write(Data("HummingbirdPeer: cannot read --jwks-file \(jwksFile)\n".utf8))
        exit(2)
    }
    try await keys.add(jwksJSON: String(decoding: data, as: UTF8.self))
    router.group("/whoami")
        .add(middleware: JWTAuthenticator(keys: keys, issuer: issuer, clientId: clientId))
        .add(middleware: IsAuthenticatedMiddleware())
        .get { _, context in try context.requireIdentity() }
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: options.port), serverName: "HummingbirdPeer"),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
    }
)
try await app.runService()
