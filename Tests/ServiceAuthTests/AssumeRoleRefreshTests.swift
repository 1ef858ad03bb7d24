import Foundation
import ServiceAuth
import Testing

@Suite("AssumeRole: background refresh and failure cool-down")
struct AssumeRoleRefreshTests {
    @Test("credentials in the refresh window are returned at once, refreshed once in the background; a failure cools down")
    func refreshesAheadInTheBackgroundAndCoolsDown() async throws {
        let fixture = STSTests.Fixture()
        let provider = fixture.provider()
        let first = try await provider.credentials()
        #expect(fixture.sts.calls("AssumeRole") == 1)

        fixture.clock.advance(by: 3600 - 299)  // inside the default 300 s refresh window
        // The caller is not made to wait for STS: it gets the cached credentials.
        for _ in 0..<20 { #expect(try await provider.credentials() == first) }
        await tokenTestWaitUntil("the background refresh replaces the credentials") {
            (try? await provider.credentials()).map { $0 != first } ?? false
        }
        #expect(fixture.sts.calls("AssumeRole") == 2)

        // Without valid credentials, a failed call is remembered for the cool-down (2 s):
        // further callers get the same error without calling STS again.
        let cold = fixture.provider()
        fixture.sts.forcedError.withLock { $0 = "Throttling" }
        for _ in 0..<20 {
            await #expect(throws: AWSCredentialsError.self) { try await cold.credentials() }
        }
        #expect(fixture.sts.calls("AssumeRole") == 3)
        fixture.sts.forcedError.withLock { $0 = nil }
        fixture.clock.advance(by: 3)
        _ = try await cold.credentials()
        #expect(fixture.sts.calls("AssumeRole") == 4)
    }
}
