// The umbrella module: everything of the core, JWT/OAuth and AWS parts under one import.
//
// Users who need only part of it depend on the smaller products instead and link less:
// `ServiceAuthCore` (identities, authenticators, policy, middleware), `ServiceAuthJWT` (JWT,
// JWKS, OAuth client credentials; no FoundationXML, no SigV4) or `ServiceAuthAWS` (SigV4,
// AWS credentials and STS, IAM-style policy; no JWT parser).
@_exported public import ServiceAuthCore
@_exported public import ServiceAuthJWT
@_exported public import ServiceAuthAWS
