import Foundation
import ServiceAuthIdP
import ServiceAuthTesting
import Testing

/// Real AWS and OAuth clients nobody here wrote (boto3, the AWS CLI, curl, PyJWT, joserfc)
/// against the issuer on loopback. The scenarios live in `Tests/Interop/idp_interop.py`.
@Suite(.serialized) struct InteropTests {
    @Test(arguments: ["cognito", "oauth", "sts", "awscli", "rotation", "discovery"])
    func realClientsAgainstTheIssuer(scenario: String) async throws {
        let issuer = try LocalIssuer(options: .init(adminToken: AdminRoutesTests.token), signingKey: TestSigningKey.shared)
        try await withTestServer(router: issuer.router()) { baseURL in
            issuer.setIssuerBase(baseURL)
            let result = try await runProcess(
                ["/usr/bin/env", "python3", packageRoot.appendingPathComponent("Tests/Interop/idp_interop.py").path, scenario, baseURL],
                environment: ProcessInfo.processInfo.environment.merging(["IDP_ADMIN_TOKEN": AdminRoutesTests.token]) { _, new in new }
            )
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("PASS \(scenario)"), "\(result.output)")
        }
    }
}
