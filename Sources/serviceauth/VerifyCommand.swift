import ArgumentParser
import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP

/// `serviceauth verify TOKEN|- --issuer ISS [options]`: verifies one JWT (CONTRACT.md).
///
/// Exit 0 with the verified claims as one JSON object on stdout; exit 1 with
/// `{"error":"<code>","message":"..."}` on stdout; exit 2 for a bad option value.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a JWT against an issuer's JWKS and print its claims."
    )

    @Argument(help: "The compact JWT, or - to read it from stdin.")
    var token: String

    @Option(help: "The trusted issuer (exact iss).")
    var issuer: String

    @Option(name: .customLong("jwks-uri"), help: "The JWKS URL (default {issuer}/.well-known/jwks.json).")
    var jwksURI: String?

    @Option(name: .customLong("client-id"), help: "Accepted client (client_id of access tokens, aud of id tokens); repeatable.")
    var clientIds: [String] = []

    @Option(name: .customLong("audience"), help: "Accepted aud; repeatable.")
    var audiences: [String] = []

    @Flag(name: .customLong("any-audience"), help: "Accept any audience (inspection only). One of --client-id, --audience or --any-audience is required.")
    var anyAudience = false

    @Option(name: .customLong("token-use"), help: "Required token_use: access or id (default: any).")
    var tokenUse: String?

    @Option(name: .customLong("scope"), help: "Required scope; repeatable, all must be present.")
    var scopes: [String] = []

    @Option(name: .customLong("group"), help: "Accepted group; repeatable, any one suffices.")
    var groups: [String] = []

    @Option(help: "Tolerated clock skew in seconds.")
    var leeway: Double = 0

    @Option(name: .customLong("max-token-bytes"), help: "The largest token accepted.")
    var maxTokenBytes: Int = 16_384

    func run() async throws {
        var use: JWTVerifier.TokenUse?
        if let tokenUse {
            guard let parsed = JWTVerifier.TokenUse(rawValue: tokenUse) else {
                Self.usageError("--token-use must be access or id")
            }
            use = parsed
        }
        guard leeway >= 0, leeway.isFinite, leeway <= 86_400 else { Self.usageError("--leeway must be between 0 and 86400 seconds") }
        guard maxTokenBytes > 0 else { Self.usageError("--max-token-bytes must be positive") }
        // A verifier that checks no audience accepts tokens minted for any other service:
        // the choice must be spelled out.
        let audience: JWTVerifier.Audience
        switch (clientIds.isEmpty && audiences.isEmpty, anyAudience) {
        case (true, false): Self.usageError("an audience decision is required: --client-id, --audience or --any-audience")
        case (false, true): Self.usageError("--any-audience cannot be combined with --client-id or --audience")
        case (true, true): audience = .anyAudience
        case (false, false): audience = .clientIdsOrAudiences(clientIds: clientIds, audiences: audiences)
        }
        var jwksURL: URL?
        if let jwksURI {
            guard let url = URL(string: jwksURI), url.isAbsoluteHTTPURL else { Self.usageError("--jwks-uri must be an absolute http(s) URL") }
            jwksURL = url
        }

        let text: String
        if token == "-" {
            switch StandardInputToken.read(maxTokenBytes: maxTokenBytes) {
            case .token(let read): text = read
            case .tooLarge: Self.fail(code: "malformed", message: "the token is larger than \(maxTokenBytes) bytes")
            case .trailingData: Self.fail(code: "malformed", message: "standard input holds more than one token")
            }
        } else {
            text = token
        }

        // `token_use` is checked only when asked for: an inspection tool takes either kind.
        let configuration = JWTVerifier.Configuration(
            issuers: [issuer],
            audience: audience,
            tokenUse: use,
            leeway: .milliseconds(Int64(leeway * 1000)),
            maxTokenBytes: maxTokenBytes
        )
        let verifier = JWTVerifier(configuration: configuration, jwksURI: jwksURL, transport: AsyncHTTPTransport())
        do {
            let verified = try await verifier.verify(text)
            // --scope and --group are the same policy rules a route applies.
            var rules: [AuthorizationPolicy] = []
            if !scopes.isEmpty { rules.append(.allScopes(scopes)) }
            if !groups.isEmpty { rules.append(.anyGroup(of: groups)) }
            if !rules.isEmpty, case .deny(let denial) = try await AuthorizationPolicy.allOf(rules).decide(Self.policyInput(verified.identity)) {
                Self.fail(code: denial.authFailure(caller: verified.identity).code, message: denial.message)
            }
            Self.printLine(JSONValue.object(verified.claims).jsonString)
        } catch let error as JWTError {
            Self.fail(code: error.code.rawValue, message: error.message)
        }
    }

    /// The policy input for a token checked outside any request.
    private static func policyInput(_ identity: Identity) -> AuthorizationInput {
        AuthorizationInput(
            auth: AuthContext(caller: identity, user: identity.kind == .user ? identity : nil),
            request: HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/"),
            context: RequestContext()
        )
    }

    /// Prints `{"error","message"}` and exits 1 (an invalid token, CONTRACT.md).
    private static func fail(code: String, message: String) -> Never {
        printLine(JSONValue.object(["error": .string(code), "message": .string(message)]).jsonString)
        Foundation.exit(1)
    }

    private static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private static func usageError(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
