import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthIdP
import ServiceAuthTesting
import Testing

/// The package's own clients against the issuer over loopback: the chain the samples use
/// (orders assumes its role and signs calls to inventory, which trusts the issuer's sessions).
@Suite struct CoreClientsAgainstIssuerTests {
    @Test func assumeRoleCredentialsVerifyOfflineWithTheIssuerKey() async throws {
        let issuer = try LocalIssuer()
        try await withTestServer(router: issuer.router()) { baseURL in
            issuer.setIssuerBase(baseURL)
            let transport = AsyncHTTPTransport()
            let provider = AssumeRoleCredentialsProvider(
                configuration: .init(
                    roleArn: "arn:aws:iam::123456789012:role/orders", roleSessionName: "orders",
                    durationSeconds: 900, stsEndpoint: baseURL, region: "us-east-1"
                ),
                sourceCredentials: StaticCredentialsProvider(
                    AWSCredentials(accessKeyId: "AKIAORDERSSERVICE001", secretAccessKey: "orders-service-secret-access-key")
                ),
                transport: transport
            )
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.sessionToken?.hasPrefix("SAT1.") == true)

            // A downstream service started with `--trust-issuer-sts URL`.
            let store = try await IssuerSessionCredentialStore.load(from: baseURL, transport: transport)
            let verifier = SigV4Verifier(configuration: .init(region: "us-east-1", service: "execute-api"), credentialStore: store)
            let request = HTTPRequest(method: .get, scheme: "http", authority: "inventory.test", path: "/items/42")
            let signed = SigV4Signer(region: "us-east-1", service: "execute-api").sign(request, credentials: credentials)
            let verified = try await verifier.verify(signed.request, body: [])
            #expect(verified.principal == "arn:aws:sts::123456789012:assumed-role/orders/orders")

            // The untrusted IAM user cannot get credentials for the orders role.
            let reports = AssumeRoleCredentialsProvider(
                configuration: .init(roleArn: "arn:aws:iam::123456789012:role/orders", roleSessionName: "x1", stsEndpoint: baseURL),
                sourceCredentials: StaticCredentialsProvider(
                    AWSCredentials(accessKeyId: "AKIAREPORTSSERVICE01", secretAccessKey: "reports-service-secret-access-key")
                ),
                transport: transport
            )
            await #expect(throws: (any Error).self) { try await reports.credentials() }
        }
    }
}
