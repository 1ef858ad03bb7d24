import Foundation
import Testing
@testable import ServiceAuthIdP

@Suite struct IdPConfigurationTests {
    @Test func demoConfigurationIsValid() throws {
        try IdPConfiguration.demo.validate()
        #expect(IdPConfiguration.demo.userPoolId == "us-east-1_LOCAL")
        #expect(IdPConfiguration.demo.roles.map(\.name) == ["orders", "reports"])
    }

    @Test func contractExampleDecodes() throws {
        let json = """
            { "region": "us-east-1", "userPoolId": "us-east-1_LOCAL", "accountId": "123456789012",
              "clients": [ {"clientId": "svc", "clientSecret": "s3cret", "allowedScopes": ["orders/read"],
                            "accessTokenLifetimeSeconds": 3600},
                           {"clientId": "web", "clientSecret": null} ],
              "resourceServers": [ {"identifier": "orders", "scopes": ["read", "write", "invoke"]} ],
              "users": [ {"username": "alice", "password": "pw", "groups": ["customers"],
                          "attributes": {"email": "alice@example.com"}} ],
              "iamUsers": [ {"accessKeyId": "AKIAEXAMPLE000000001", "secretAccessKey": "secret-key",
                             "arn": "arn:aws:iam::123456789012:user/orders-service"} ],
              "roles": [ {"arn": "arn:aws:iam::123456789012:role/orders",
                          "trustedPrincipals": ["arn:aws:iam::123456789012:user/orders-service"],
                          "maxSessionDurationSeconds": 3600} ],
              "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LOCAL" }
            """
        let configuration = try IdPConfiguration.decode(Data(json.utf8))
        #expect(configuration.clients[1].clientSecret == nil)
        #expect(configuration.clients[1].allowedScopes.isEmpty)
        #expect(configuration.issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LOCAL")
    }

    @Test func minimalConfigurationDecodes() throws {
        let configuration = try IdPConfiguration.decode(Data(#"{"region":"eu-west-2","userPoolId":"eu-west-2_abc","accountId":"000000000000"}"#.utf8))
        #expect(configuration.clients.isEmpty && configuration.roles.isEmpty)
    }

    /// Each bad document names its bad key.
    @Test(arguments: [
        (#"[1,2]"#, ""),
        (#"not json"#, ""),
        (#"{"userPoolId":"us-east-1_X","accountId":"123456789012"}"#, "region"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","client":[]}"#, "client"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":42}"#, "accountId"),
        (#"{"region":"USA","userPoolId":"us-east-1_X","accountId":"123456789012"}"#, "region"),
        (#"{"region":"us-east-1","userPoolId":"eu-west-1_X","accountId":"123456789012"}"#, "userPoolId"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_../x","accountId":"123456789012"}"#, "userPoolId"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"12345"}"#, "accountId"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","clients":[{"clientId":"a"},{"clientId":"b","allowedScope":[]}]}"#, "clients[1].allowedScope"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","clients":[{"clientId":"a"},{"clientId":"b","allowedScopes":["x/y"]}]}"#, "clients[1].allowedScopes[0]"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","clients":[{"clientId":"a"},{"clientId":"a"}]}"#, "clients[1].clientId"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","clients":[{"clientId":"a","accessTokenLifetimeSeconds":5}]}"#, "clients[0].accessTokenLifetimeSeconds"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","clients":[{"clientSecret":"s"}]}"#, "clients[0].clientId"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","clients":[{"clientId":"a","allowedScopes":"orders/read"}]}"#, "clients[0].allowedScopes"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","resourceServers":[{"identifier":"o","scopes":["a b"]}]}"#, "resourceServers[0].scopes[0]"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","users":[{"username":"a","password":""}]}"#, "users[0].password"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","users":[{"username":"a","password":"p","scopes":["o/r"]}]}"#, "users[0].scopes[0]"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","users":[{"username":"a","password":"p","attributes":{"sub":"x"}}]}"#, "users[0].attributes.sub"),
        // An attribute named cnf would bind (or break) the user's id tokens (RFC 8705 confirmation).
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","users":[{"username":"a","password":"p","attributes":{"cnf":"x"}}]}"#, "users[0].attributes.cnf"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","iamUsers":[{"accessKeyId":"ASIA0000000000000000","secretAccessKey":"12345678","arn":"arn:aws:iam::123456789012:user/a"}]}"#, "iamUsers[0].accessKeyId"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","iamUsers":[{"accessKeyId":"AKIA0000000000000000","secretAccessKey":"12345678","arn":"arn:aws:iam::123456789012:role/a"}]}"#, "iamUsers[0].arn"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","roles":[{"arn":"arn:aws:iam::123456789012:role/r","trustedPrincipals":["bob"]}]}"#, "roles[0].trustedPrincipals[0]"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","roles":[{"arn":"arn:aws:iam::123456789012:role/r","trustedPrincipals":[],"maxSessionDurationSeconds":100}]}"#, "roles[0].maxSessionDurationSeconds"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","roles":[{"arn":"arn:aws:iam::123456789012:role/r","trustedPrincipals":[],"extra":1}]}"#, "roles[0].extra"),
        (#"{"region":"us-east-1","userPoolId":"us-east-1_X","accountId":"123456789012","issuer":"ftp://x"}"#, "issuer"),
    ])
    func invalidConfigurationNamesTheKey(json: String, key: String) {
        #expect {
            try IdPConfiguration.decode(Data(json.utf8))
        } throws: { error in
            (error as? IdPConfigurationError)?.key == key
        }
    }

    @Test func undefinedScopeMessageMatchesTheContract() {
        var configuration = IdPConfiguration.demo
        configuration.clients[1].allowedScopes = ["orders/read", "x/y"]
        #expect(throws: IdPConfigurationError(key: "clients[1].allowedScopes[1]", message: #"scope "x/y" is not defined by any resource server"#)) {
            try configuration.validate()
        }
    }

    @Test func messagesNeverContainSecrets() {
        var configuration = IdPConfiguration.demo
        configuration.iamUsers[0].accessKeyId = "bad"
        do {
            try configuration.validate()
            Issue.record("validation passed")
        } catch {
            #expect(!error.description.contains("orders-service-secret-access-key"))
            #expect(error.key == "iamUsers[0].accessKeyId")
        }
    }

    @Test func roundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(IdPConfiguration.demo)
        #expect(try IdPConfiguration.decode(data) == IdPConfiguration.demo)
    }
}

@Suite struct IdPConfigurationRedactionTests {
    @Test func printingTheConfigurationShowsNoSecret() {
        var dumped = ""
        dump(IdPConfiguration.demo, to: &dumped)
        for text in [String(describing: IdPConfiguration.demo), String(reflecting: IdPConfiguration.demo), dumped] {
            #expect(!text.contains("gateway-secret"))
            #expect(!text.contains("alice-password"))
            #expect(!text.contains("orders-service-secret-access-key"))
            #expect(text.contains("AKIAORDERSSERVICE001"))
        }
    }
}

@Suite struct BuiltInScopeTests {
    /// Cognito's built-in scopes need no resource server (as in Cognito).
    @Test(arguments: ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"])
    func builtInScopeIsAllowedWithoutAResourceServer(scope: String) throws {
        var configuration = IdPConfiguration.demo
        configuration.clients[0].allowedScopes.append(scope)
        try configuration.validate()
    }
}
