import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP
import ServiceAuthTesting
import Synchronization
import Testing

/// Claims of the tokens the test issuer mints, in Cognito's shape.
private struct TwoHopClaims: Encodable {
    var iss: String
    var sub: String
    var clientId: String
    var tokenUse = "access"
    var scope: String
    var exp: Int
    var iat: Int
    var jti = UUID().uuidString
    var username: String?
    var groups: [String]?

    enum CodingKeys: String, CodingKey {
        case iss, sub, scope, exp, iat, jti, username
        case clientId = "client_id"
        case tokenUse = "token_use"
        case groups = "cognito:groups"
    }
}

/// What service B's handler saw, as it reports it.
private struct TwoHopView: Codable, Equatable {
    var callerKind: String?
    var callerClientId: String?
    var callerScopes: [String]
    var user: String?
    var userGroups: [String]
    var chain: [String]
    var summary: String
}

/// A minimal Cognito-like issuer for the test: a JWKS and a client-credentials token endpoint.
private final class TwoHopIssuer: Sendable {
    let signer: JWTSigner
    private let issuerURL = Mutex("")
    let tokenRequests = Atomic<Int>(0)

    init() throws { signer = try JWTSigner.generateRS256(keyID: "two-hop-1") }

    var issuer: String {
        get { issuerURL.withLock { $0 } }
        set { issuerURL.withLock { $0 = newValue } }
    }

    func mint(sub: String, clientId: String, scope: String, username: String? = nil, groups: [String]? = nil, lifetime: Int = 3600) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        return try signer.sign(
            TwoHopClaims(iss: issuer, sub: sub, clientId: clientId, scope: scope, exp: now + lifetime, iat: now, username: username, groups: groups)
        )
    }

    var router: Router {
        var router = Router()
        let jwks = try! JSONSerialization.data(withJSONObject: ["keys": [signer.publicJWK]])
        router.get("/pool/.well-known/jwks.json") { _, _, _ in Responses.bytes(Array(jwks), contentType: "application/json") }
        router.post("/oauth2/token") { request, body, _ in
            self.tokenRequests.add(1, ordering: .relaxed)
            let form = String(decoding: try await body.collect(upTo: 4096), as: UTF8.self)
            let expected = "Basic " + Data("gateway-client:gateway-secret".utf8).base64EncodedString()
            guard request.headerFields[.authorization] == expected else {
                return Responses.bytes(Array(#"{"error":"invalid_client"}"#.utf8), contentType: "application/json", status: .badRequest)
            }
            guard form == "grant_type=client_credentials&scope=orders%2Finvoke" else {
                return Responses.bytes(Array(#"{"error":"invalid_scope"}"#.utf8), contentType: "application/json", status: .badRequest)
            }
            let token = try self.mint(sub: "gateway-client", clientId: "gateway-client", scope: "orders/invoke")
            return Responses.json(["access_token": token, "token_type": "Bearer", "expires_in": "3600"])
        }
        return router
    }
}

@Suite("Two-hop propagation: caller and user both verified")
struct PropagationTwoHopTests {
    @Test("A receives a user JWT and calls B with its own client-credentials token and the propagated user token")
    func twoHops() async throws {
        let idp = try TwoHopIssuer()
        try await withTestServer(router: idp.router) { idpURL in
            idp.issuer = idpURL + "/pool"
            let transport = AsyncHTTPTransport()
            func verifier(clientIds: [String]) -> JWTVerifier {
                JWTVerifier(
                    configuration: .init(issuers: [idp.issuer], audience: .clientIds(clientIds), tokenUse: .access),
                    jwksURI: URL(string: idpURL + "/pool/.well-known/jwks.json")!,
                    transport: transport
                )
            }
            let userVerifier = verifier(clientIds: ["web-client"])
            // B accepts only the gateway's client-credentials token with orders/invoke as caller…
            let serviceVerifier = JWTVerifier(
                configuration: .init(issuers: [idp.issuer], audience: .clientIds(["gateway-client"]), tokenUse: .access),
                jwksURI: URL(string: idpURL + "/pool/.well-known/jwks.json")!,
                transport: transport
            )

            // …and verifies the propagated user itself: it does not take the gateway's word for it.
            var orders = Router(security: RouteSecurity([
                BearerTokenAuthenticator(verifier: serviceVerifier),
                PropagatedUserAuthenticator(verifier: userVerifier, required: true),
                IdentityChainAuthenticator(),
            ], policy: .scopes("orders/invoke")))
            orders.get("/orders/{id}") { _, _, context in
                let auth = context.auth
                return Responses.json(
                    TwoHopView(
                        callerKind: auth.caller?.kind.rawValue, callerClientId: auth.caller?.clientId, callerScopes: auth.caller?.scopes ?? [],
                        user: auth.user?.username, userGroups: auth.user?.groups ?? [], chain: auth.chain, summary: auth.summary
                    )
                )
            }
            try await withTestServer(router: orders) { ordersURL in
                let provider = ClientCredentialsTokenProvider(
                    configuration: .init(
                        tokenEndpoint: URL(string: idpURL + "/oauth2/token")!,
                        clientId: "gateway-client",
                        clientSecret: "gateway-secret",
                        scopes: ["orders/invoke"]
                    ),
                    transport: transport,
                    logger: .tokenTest
                )
                let toOrders = ServiceHTTPClient(middleware: [
                    BearerTokenMiddleware(provider: provider),
                    UserTokenPropagationMiddleware(),
                    try IdentityChainPropagationMiddleware(serviceName: "gateway"),
                ])
                var gateway = Router(security: RouteSecurity([BearerTokenAuthenticator(verifier: userVerifier)]))
                gateway.get("/orders/{id}") { _, _, context in
                    let id = context.pathParameters["id"] ?? ""
                    let (response, body) = try await toOrders.get("\(ordersURL)/orders/\(id)")
                    return Responses.bytes(body, contentType: "application/json", status: response.status)
                }
                try await withTestServer(router: gateway) { gatewayURL in
                    let aliceToken = try idp.mint(
                        sub: "u-alice", clientId: "web-client", scope: "orders/read", username: "alice", groups: ["customers"]
                    )
                    var headers = HTTPFields()
                    headers[.authorization] = "Bearer " + aliceToken
                    for _ in 0..<3 {
                        let (response, body) = try await ServiceHTTPClient().get(gatewayURL + "/orders/42", headerFields: headers)
                        #expect(response.status == .ok)
                        let view = try JSONDecoder().decode(TwoHopView.self, from: Data(body))
                        #expect(
                            view
                                == TwoHopView(
                                    callerKind: "service", callerClientId: "gateway-client", callerScopes: ["orders/invoke"],
                                    user: "alice", userGroups: ["customers"], chain: ["gateway"], summary: "user alice via gateway"
                                )
                        )
                    }
                    // One client-credentials token served all three calls.
                    #expect(idp.tokenRequests.load(ordering: .relaxed) == 1)

                    // Without a user the gateway refuses before calling anyone.
                    let (anonymous, _) = try await ServiceHTTPClient().get(gatewayURL + "/orders/42")
                    #expect(anonymous.status == .unauthorized)

                    // B on its own: the gateway's token alone is not enough (the user is required)…
                    let serviceToken = try await provider.accessToken()
                    var direct = HTTPFields()
                    direct[.authorization] = "Bearer " + serviceToken
                    let (noUser, noUserBody) = try await ServiceHTTPClient().get(ordersURL + "/orders/42", headerFields: direct)
                    #expect(noUser.status == .unauthorized)
                    #expect(String(decoding: noUserBody, as: UTF8.self).contains(#""error":"missing_token""#))

                    // …a forged propagated user (signed by another key) is refused with the verifier's code…
                    let forger = try JWTSigner.generateRS256(keyID: "two-hop-1")
                    let now = Int(Date().timeIntervalSince1970)
                    let forged = try forger.sign(
                        TwoHopClaims(iss: idp.issuer, sub: "u-mallory", clientId: "web-client", scope: "orders/read", exp: now + 600, iat: now, username: "mallory")
                    )
                    direct[UserTokenPropagationMiddleware.defaultHeaderName] = "Bearer " + forged
                    let (forgedResponse, forgedBody) = try await ServiceHTTPClient().get(ordersURL + "/orders/42", headerFields: direct)
                    #expect(forgedResponse.status == .unauthorized)
                    #expect(String(decoding: forgedBody, as: UTF8.self).contains(#""error":"bad_signature""#))

                    // …and a user's token alone, without the calling service's token, is not a caller.
                    var userOnly = HTTPFields()
                    userOnly[UserTokenPropagationMiddleware.defaultHeaderName] = "Bearer " + aliceToken
                    userOnly[IdentityChain.headerName] = "gateway,admin"
                    let (userOnlyResponse, _) = try await ServiceHTTPClient().get(ordersURL + "/orders/42", headerFields: userOnly)
                    #expect(userOnlyResponse.status == .unauthorized)
                }
            }
        }
    }
}
