public import Foundation
public import HTTPTypes

/// What an ``Authorizer`` is asked: may this token call this method ARN?
public struct AuthorizationRequest: Sendable, Hashable {
    /// The bearer token, without `Bearer `. It is a credential: never log it.
    public var token: String
    /// The method ARN of the request (see ``ExecuteAPIResource/methodArn(method:path:)``).
    public var methodArn: String
    /// The HTTP method.
    public var method: HTTPRequest.Method
    /// The request path.
    public var path: String

    /// Creates a request.
    public init(token: String, methodArn: String, method: HTTPRequest.Method, path: String) {
        self.token = token
        self.methodArn = methodArn
        self.method = method
        self.path = path
    }
}

/// What an ``Authorizer`` answers, in the shape of an API Gateway Lambda authorizer's response.
public struct AuthorizerResult: Sendable, Hashable {
    /// The principal the token proved (`principalId`).
    public var principalId: String
    /// The policy to evaluate against the request's method ARN.
    public var policy: PolicyDocument
    /// Key-value context passed to the backend (API Gateway's `context`).
    public var context: [String: String]
    /// The verified identity behind the principal, when the authorizer knows it.
    public var identity: Identity?
    /// The raw token when it proves an end user, so it can be propagated downstream.
    public var userToken: String?
    /// The latest time the result may be reused; a cache never keeps it past this.
    public var expiresAt: Date?

    /// Creates a result.
    public init(
        principalId: String,
        policy: PolicyDocument,
        context: [String: String] = [:],
        identity: Identity? = nil,
        userToken: String? = nil,
        expiresAt: Date? = nil
    ) {
        self.principalId = principalId
        self.policy = policy
        self.context = context
        self.identity = identity
        self.userToken = userToken
        self.expiresAt = expiresAt
    }
}

/// Decides who a token belongs to and what it may call, like an API Gateway Lambda authorizer.
///
/// An authorizer returns a *policy* rather than a yes/no, so its answer can be cached per token
/// and evaluated against every method ARN the token is later used for.
public protocol Authorizer: Sendable {
    /// Authorizes a token.
    ///
    /// - Parameter request: The token and the method ARN being called.
    /// - Returns: The principal, policy and context.
    /// - Throws: An ``AuthFailureConvertible`` error (a `401`) when the token is not valid.
    func authorize(_ request: AuthorizationRequest) async throws -> AuthorizerResult
}
