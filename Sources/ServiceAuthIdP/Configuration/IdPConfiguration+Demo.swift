extension IdPConfiguration {
    /// The built-in configuration of `serviceauth idp` without `--config` and of `serviceauth demo`.
    ///
    /// **Local development only**: every secret below is public.
    ///
    /// - Pool: region `us-east-1`, user pool `us-east-1_LOCAL`, account `123456789012`.
    /// - Resource server `orders` with scopes `orders/read`, `orders/write`, `orders/invoke`.
    /// - App clients:
    ///   - `gateway`, secret `gateway-secret`, `client_credentials` with `orders/invoke`
    ///     (the gateway's service token to call orders);
    ///   - `orders-service`, secret `orders-service-secret`, `client_credentials` with
    ///     `orders/read` only (a service token *without* `orders/invoke`);
    ///   - `web`, public (no secret), for `USER_PASSWORD_AUTH`; user tokens may carry
    ///     `orders/read` and `orders/write`.
    /// - Users (`USER_PASSWORD_AUTH` with client `web`):
    ///   - `alice` / `alice-password`, group `customers`, scopes `orders/read orders/write`;
    ///   - `bob` / `bob-password`, group `customers`, scope `orders/write` only (no `orders/read`);
    ///   - `carol` / `carol-password`, no group, scopes `orders/read orders/write`.
    /// - IAM users (STS callers):
    ///   - `arn:aws:iam::123456789012:user/orders-service`, key `AKIAORDERSSERVICE001`,
    ///     secret `orders-service-secret-access-key`, trusted by `arn:aws:iam::123456789012:role/orders`;
    ///   - `arn:aws:iam::123456789012:user/reports-service`, key `AKIAREPORTSSERVICE01`,
    ///     secret `reports-service-secret-access-key`, trusted by `arn:aws:iam::123456789012:role/reports`.
    /// - Roles: `role/orders` and `role/reports`, sessions of up to 3600 s.
    public static let demo = IdPConfiguration(
        region: "us-east-1",
        userPoolId: "us-east-1_LOCAL",
        accountId: "123456789012",
        clients: [
            Client(clientId: "gateway", clientSecret: "gateway-secret", allowedScopes: ["orders/invoke"]),
            Client(clientId: "orders-service", clientSecret: "orders-service-secret", allowedScopes: ["orders/read"]),
            Client(clientId: "web", clientSecret: nil, allowedScopes: ["orders/read", "orders/write"]),
        ],
        resourceServers: [ResourceServer(identifier: "orders", scopes: ["read", "write", "invoke"])],
        users: [
            User(
                username: "alice", password: "alice-password", groups: ["customers"],
                attributes: ["email": "alice@example.com", "email_verified": "true"],
                scopes: ["orders/read", "orders/write"]
            ),
            User(
                username: "bob", password: "bob-password", groups: ["customers"],
                attributes: ["email": "bob@example.com", "email_verified": "true"],
                scopes: ["orders/write"]
            ),
            User(
                username: "carol", password: "carol-password", groups: [],
                attributes: ["email": "carol@example.com", "email_verified": "true"],
                scopes: ["orders/read", "orders/write"]
            ),
        ],
        iamUsers: [
            IAMUser(
                accessKeyId: "AKIAORDERSSERVICE001", secretAccessKey: "orders-service-secret-access-key",
                arn: "arn:aws:iam::123456789012:user/orders-service"
            ),
            IAMUser(
                accessKeyId: "AKIAREPORTSSERVICE01", secretAccessKey: "reports-service-secret-access-key",
                arn: "arn:aws:iam::123456789012:user/reports-service"
            ),
        ],
        roles: [
            Role(
                arn: "arn:aws:iam::123456789012:role/orders",
                trustedPrincipals: ["arn:aws:iam::123456789012:user/orders-service"],
                maxSessionDurationSeconds: 3600
            ),
            Role(
                arn: "arn:aws:iam::123456789012:role/reports",
                trustedPrincipals: ["arn:aws:iam::123456789012:user/reports-service"],
                maxSessionDurationSeconds: 3600
            ),
        ]
    )
}
