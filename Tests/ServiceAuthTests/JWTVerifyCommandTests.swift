import Foundation
import Testing
import ServiceAuthHTTP
import ServiceAuthTesting

import ServiceAuth
@testable import ServiceAuthCore
@testable import ServiceAuthJWT
@testable import ServiceAuthAWS

/// `serviceauth verify` as CONTRACT.md specifies it, run as a real process against a JWKS on loopback.
@Suite("serviceauth verify", .serialized)
struct JWTVerifyCommandTests {
    /// The `serviceauth` executable, built beside the test binary by `swift build`/`swift test`.
    static var executable: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // The test binary may sit inside an .xctest bundle directory.
        while directory.pathExtension == "xctest" || directory.path.contains(".xctest/") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("serviceauth")
    }

    struct Result {
        var status: Int32
        var stdout: String
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["verify"] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data: Data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        return Result(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self))
    }

    func claims(_ issuer: String, _ overrides: [String: JSONValue] = [:]) -> [String: JSONValue] {
        let now = Date().timeIntervalSince1970.rounded(.down)
        var claims = Fixture.claims(["iss": .string(issuer), "iat": .number(now - 5), "exp": .number(now + 600)])
        claims.merge(overrides) { _, new in new }
        return claims
    }

    @Test func verifiesAndPrintsClaimsOrTheError() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build the serviceauth executable first")
        var router = Router()
        router.get("/pool/.well-known/jwks.json") { _, _, _ in Responses.bytes(TestJWK.standard, contentType: "application/json") }
        try await withTestServer(router: router) { base in
            let issuer = base + "/pool"
            let token = Mint.rs256(claims(issuer))

            // Valid, default JWKS URI ({issuer}/.well-known/jwks.json).
            let ok = try await run([token, "--issuer", issuer, "--client-id", "client-a", "--token-use", "access", "--scope", "orders/read"])
            #expect(ok.status == 0)
            let printed = try JSONValue.parse(Array(ok.stdout.utf8))
            #expect(printed["username"] == "alice")
            #expect(printed["iss"]?.stringValue == issuer)

            // From stdin, explicit JWKS URI.
            let fromStdin = try await run(["-", "--issuer", issuer, "--any-audience", "--jwks-uri", base + "/pool/.well-known/jwks.json"], stdin: token + "\n")
            #expect(fromStdin.status == 0)

            // Failures: exit 1 and {"error","message"}, never the token or its signature.
            let signature = String(token.split(separator: ".")[2])
            let cases: [([String], String)] = [
                ([Mint.rs256(claims(issuer, ["exp": .number(Date().timeIntervalSince1970 - 10)])), "--issuer", issuer, "--client-id", "client-a"], "expired"),
                ([token, "--issuer", "https://other.example", "--any-audience"], "wrong_issuer"),
                ([token, "--issuer", issuer, "--scope", "orders/admin", "--client-id", "client-a"], "missing_scope"),
                ([token, "--issuer", issuer, "--group", "admins", "--client-id", "client-a"], "missing_group"),
                ([token, "--issuer", issuer, "--token-use", "id", "--client-id", "client-a"], "wrong_token_use"),
                ([token, "--issuer", issuer, "--audience", "api://x"], "wrong_audience"),
                ([Mint.rs256(claims(issuer), kid: nil), "--issuer", issuer, "--client-id", "client-a"], "malformed"),
                ([token, "--issuer", issuer, "--max-token-bytes", "100", "--client-id", "client-a"], "malformed"),
                ([Mint.rs256(claims(issuer, ["iat": .number(Date().timeIntervalSince1970 + 120)])), "--issuer", issuer, "--client-id", "client-a"], "not_yet_valid"),
                ([token, "--issuer", issuer, "--jwks-uri", "http://127.0.0.1:1/jwks.json", "--client-id", "client-a"], "jwks_unavailable"),
            ]
            for (arguments, code) in cases {
                let result = try await run(arguments)
                #expect(result.status == 1, "\(code)")
                let error = try JSONValue.parse(Array(result.stdout.utf8))
                #expect(error["error"]?.stringValue == code)
                #expect(error["message"]?.stringValue != nil)
                #expect(!result.stdout.contains(signature))
            }
            // Leeway makes a token from the near future acceptable.
            let future = Mint.rs256(claims(issuer, ["iat": .number(Date().timeIntervalSince1970 + 30)]))
            #expect(try await run([future, "--issuer", issuer, "--any-audience", "--leeway", "120"]).status == 0)

            // Bad option values are usage errors: exit 2.
            #expect(try await run([token, "--issuer", issuer, "--any-audience", "--token-use", "refresh"]).status == 2)
            #expect(try await run([token, "--issuer", issuer, "--any-audience", "--leeway=-1"]).status == 2)
        }
    }

    @Test func anAudienceDecisionIsRequired() async throws {
        let token = Mint.rs256(claims("https://issuer.example.com/pool"))
        // None of --client-id, --audience, --any-audience: a usage error, before any fetch.
        #expect(try await run([token, "--issuer", "https://issuer.example.com/pool"]).status == 2)
        #expect(try await run([token, "--issuer", "https://issuer.example.com/pool", "--any-audience", "--client-id", "a"]).status == 2)
    }

    @Test func standardInputIsReadToItsEndAndMustHoldOneToken() async throws {
        var router = Router()
        router.get("/pool/.well-known/jwks.json") { _, _, _ in Responses.bytes(TestJWK.standard, contentType: "application/json") }
        try await withTestServer(router: router) { base in
            let issuer = base + "/pool"
            let token = Mint.rs256(claims(issuer))
            let options = ["-", "--issuer", issuer, "--any-audience"]
            // A limit near Int.max must not overflow the read buffer's size.
            let huge = try await run(options + ["--max-token-bytes", String(Int.max)], stdin: token + "\n")
            #expect(huge.status == 0, "\(huge.stdout)")
            #expect(try await run(options, stdin: token).status == 0)
            #expect(try await run(options, stdin: token + "\r\n").status == 0)
            for trailing in ["\n\n", "\nsecond-line", " ", "\n" + token, "\t\n"] {
                let result = try await run(options, stdin: token + trailing)
                #expect(result.status == 1, "\(trailing.debugDescription)")
                #expect(try JSONValue.parse(Array(result.stdout.utf8))["error"]?.stringValue == "malformed")
            }
            // Far more than the limit: read to the end (the writer is not cut off), then refused.
            let flood = try await run(options + ["--max-token-bytes", "2048"], stdin: String(repeating: "a", count: 1 << 20))
            #expect(flood.status == 1)
            #expect(try JSONValue.parse(Array(flood.stdout.utf8))["error"]?.stringValue == "malformed")
        }
    }
}
