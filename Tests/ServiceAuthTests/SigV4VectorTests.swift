import Foundation
import HTTPTypes
import ServiceAuth
import Testing

/// AWS's SigV4 test suite (awslabs/aws-c-auth `tests/aws-signing-test-suite/v4`, Apache-2.0),
/// kept in the repository at `Tests/Data/sigv4-vectors/` with its LICENSE and NOTICE: canonical request, string to sign and signature must match
/// byte for byte in both forms, and the verifier must accept the suite's signed requests.
@Suite("SigV4 AWS test suite")
struct SigV4VectorTests {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var expiration_in_seconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    struct Case {
        var name: String
        var context: Context
        var request: HTTPRequest
        var body: [UInt8]
        var date: Date
        var credentials: AWSCredentials

        func file(_ name: String) throws -> String {
            try String(
                contentsOf: SigV4TestSupport.vectorsDirectory.appendingPathComponent(self.name).appendingPathComponent(name),
                encoding: .utf8
            )
        }

        var signer: SigV4Signer {
            SigV4Signer(
                configuration: .init(
                    region: context.region,
                    service: context.service,
                    s3Variant: !context.normalize,
                    signsSessionToken: !(context.omit_session_token ?? false)
                )
            )
        }

        var verifier: SigV4Verifier {
            let date = self.date
            return SigV4Verifier(
                configuration: .init(
                    region: context.region,
                    service: context.service,
                    acceptedHosts: .names([request.authority ?? ""]),
                    s3Variant: !context.normalize,
                    requireSignedSessionToken: !(context.omit_session_token ?? false),
                    // AWS's suite checks that un-normalised paths canonicalise as AWS's do; a
                    // server refuses them by default (see SigV4PathBindingTests).
                    rejectsNonNormalizedPaths: false
                ),
                credentialStore: FixedCredentialStore(
                    accessKeyId: context.credentials.access_key_id,
                    secretAccessKey: context.credentials.secret_access_key
                ),
                now: { date }
            )
        }
    }

    static let caseNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: SigV4TestSupport.vectorsDirectory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }()

    static func load(_ name: String) throws -> Case {
        let directory = SigV4TestSupport.vectorsDirectory.appendingPathComponent(name)
        let context = try JSONDecoder().decode(
            Context.self,
            from: Data(contentsOf: directory.appendingPathComponent("context.json"))
        )
        let raw = try String(contentsOf: directory.appendingPathComponent("request.txt"), encoding: .utf8)
        let (request, body) = try #require(SigV4TestSupport.parseRequest(raw))
        let date = try Date(context.timestamp, strategy: .iso8601)
        let credentials = AWSCredentials(
            accessKeyId: context.credentials.access_key_id,
            secretAccessKey: context.credentials.secret_access_key,
            sessionToken: context.credentials.token
        )
        return Case(name: name, context: context, request: request, body: body, date: date, credentials: credentials)
    }

    @Test func suiteIsPresent() {
        #expect(Self.caseNames.count == 38, "expected the 38 cases in \(SigV4TestSupport.vectorsDirectory.path)")
    }

    @Test("header form matches byte for byte", arguments: caseNames)
    func headerForm(_ name: String) async throws {
        let vector = try Self.load(name)
        let result = vector.signer.sign(
            vector.request,
            body: vector.body,
            credentials: vector.credentials,
            date: vector.date,
            payload: vector.context.sign_body ? .bodyHashHeader : .bodyHash
        )
        #expect(result.canonicalRequest == (try vector.file("header-canonical-request.txt")))
        #expect(result.stringToSign == (try vector.file("header-string-to-sign.txt")))
        #expect(result.signature == (try vector.file("header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))

        let (expected, expectedBody) = try #require(SigV4TestSupport.parseRequest(try vector.file("header-signed-request.txt")))
        #expect(result.request.headerFields[.authorization] == expected.headerFields[.authorization])
        #expect(result.request.headerFields[HTTPField.Name("X-Amz-Security-Token")!]
            == expected.headerFields[HTTPField.Name("X-Amz-Security-Token")!])

        // The verifier accepts the suite's signed request, and the one we produced.
        let verified = try await vector.verifier.verify(expected, body: expectedBody)
        #expect(verified.accessKeyId == "AKIDEXAMPLE")
        #expect(verified.identity.kind == .role)
        _ = try await vector.verifier.verify(result.request, body: vector.body)
    }

    @Test("query (presigned) form matches byte for byte", arguments: caseNames)
    func queryForm(_ name: String) async throws {
        let vector = try Self.load(name)
        let result = try vector.signer.presign(
            vector.request,
            body: vector.body,
            credentials: vector.credentials,
            date: vector.date,
            expires: vector.context.expiration_in_seconds
        )
        #expect(result.canonicalRequest == (try vector.file("query-canonical-request.txt")))
        #expect(result.stringToSign == (try vector.file("query-string-to-sign.txt")))
        #expect(result.signature == (try vector.file("query-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))

        let (expected, expectedBody) = try #require(SigV4TestSupport.parseRequest(try vector.file("query-signed-request.txt")))
        #expect(result.request.path == expected.path)
        let verified = try await vector.verifier.verify(expected, body: expectedBody)
        #expect(verified.isPresigned)
        _ = try await vector.verifier.verify(result.request, body: vector.body)
    }
}
