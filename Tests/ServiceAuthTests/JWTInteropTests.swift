import Foundation
import Testing
import ServiceAuthHTTP
import ServiceAuthTesting

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// Tokens minted by independent implementations verify: joserfc and PyJWT (RS256, ES256),
/// and moto's Cognito emulation (a real `initiate_auth` against a pool it created).
@Suite("JWT interop", .serialized)
struct JWTInteropTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let interop = packageRoot.appendingPathComponent("Tests/Interop")

    /// A running Python script whose first stdout line is JSON.
    final class Script {
        let process = Process()
        let stdin = Pipe()
        let stdout = Pipe()

        init(_ name: String, _ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", JWTInteropTests.interop.appendingPathComponent(name).path] + arguments
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// Reads the first line of output (blocking reads happen off the cooperative pool).
        func firstLine() async throws -> JSONValue {
            let handle = stdout.fileHandleForReading
            let data: Data = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    var buffer = Data()
                    while !buffer.contains(0x0A) {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        buffer.append(chunk)
                    }
                    continuation.resume(returning: buffer)
                }
            }
            let line = data.split(separator: 0x0A).first ?? Data()
            return try JSONValue.parse(Array(line), maxDepth: 8)
        }

        func finish() {
            try? stdin.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    @Test func joserfcAndPyJWTTokensVerify() async throws {
        let issuer = "https://interop.example.com/pool"
        let script = try Script("jwt_mint.py", [issuer])
        let output = try await script.firstLine()
        script.finish()
        #expect(script.process.terminationStatus == 0)
        let jwks = Array(try #require(output["jwks"]).jsonString.utf8)
        let tokens = try #require(output["tokens"]?.objectValue)
        #expect(tokens.count == 4)

        var router = Router()
        router.get("/pool/.well-known/jwks.json") { _, _, _ in Responses.bytes(jwks, contentType: "application/json") }
        try await withTestServer(router: router) { base in
            let verifier = JWTVerifier(
                configuration: .init(issuers: [issuer], audience: .clientIds(["interop-client"]), tokenUse: .access),
                jwksURI: URL(string: base + "/pool/.well-known/jwks.json")!,
                transport: AsyncHTTPTransport()
            )
            for (name, token) in tokens.sorted(by: { $0.key < $1.key }) {
                let verified = try await verifier.verify(try #require(token.stringValue))
                #expect(verified.username == "interop", "\(name)")
                #expect(verified.identity.kind == .user, "\(name)")
                #expect(verified.algorithm == (name.hasSuffix("es256") ? .es256 : .rs256), "\(name)")
            }
            // The keys of one implementation do not verify the other's tokens: swap the kid.
            let joseRSA = try #require(tokens["joserfc_rs256"]?.stringValue)
            let parts = joseRSA.split(separator: ".")
            let header = Base64URL.encode(Array(#"{"alg":"RS256","kid":"pyjwt-rsa"}"#.utf8))
            let swapped = header + "." + parts[1] + "." + parts[2]
            #expect(await errorCode { try await verifier.verify(swapped) } == "bad_signature")
        }
    }

    @Test func motoCognitoTokensVerify() async throws {
        let script = try Script("jwt_moto_cognito.py", [])
        defer { script.finish() }
        let output = try await script.firstLine()
        let issuer = try #require(output["issuer"]?.stringValue)
        let jwksURI = try #require(output["jwks_uri"]?.stringValue)
        let clientId = try #require(output["client_id"]?.stringValue)
        let transport = AsyncHTTPTransport()

        let access = JWTVerifier(configuration: .init(issuers: [issuer], audience: .clientIds([clientId]), tokenUse: .access),
                                 jwksURI: URL(string: jwksURI)!, transport: transport)
        let accessToken = try await access.verify(try #require(output["access_token"]?.stringValue))
        #expect(accessToken.username == "alice")
        #expect(accessToken.clientId == clientId)
        #expect(accessToken.identity.kind == .user)
        #expect(accessToken.keyID == "dummy")

        let id = JWTVerifier(configuration: .init(issuers: [issuer], audience: .clientIds([clientId]), tokenUse: .id),
                             jwksURI: URL(string: jwksURI)!, transport: transport)
        let idToken = try await id.verify(try #require(output["id_token"]?.stringValue))
        #expect(idToken.username == "alice")
        #expect(idToken.tokenUse == "id")
        // The access token is not an id token, and another client is not accepted.
        #expect(await errorCode { try await id.verify(accessToken.token) } == "wrong_token_use")
        let other = JWTVerifier(configuration: .init(issuers: [issuer], audience: .clientIds(["other"]), tokenUse: .access),
                                jwksURI: URL(string: jwksURI)!, transport: transport)
        #expect(await errorCode { try await other.verify(accessToken.token) } == "wrong_audience")
    }
}
