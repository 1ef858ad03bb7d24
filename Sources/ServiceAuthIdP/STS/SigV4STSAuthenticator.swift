import Foundation
import HTTPTypes
import ServiceAuth

/// Placeholder until the SigV4 verifier lands: refuses every STS request.
struct SigV4STSAuthenticator: STSCallerAuthenticating {
    let configuration: IdPConfiguration
    let sealer: SessionTokenSealer
    let now: @Sendable () -> Date

    func authenticate(_ request: HTTPRequest, body: [UInt8]) async throws(STSError) -> STSCaller {
        throw .missingAuthenticationToken()
    }
}
