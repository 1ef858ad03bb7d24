public import HTTPTypes
import ServiceAuthCore

/// Builds API Gateway's `execute-api` method ARNs:
/// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{resource path}`.
public struct ExecuteAPIResource: Sendable, Hashable {
    /// The AWS region.
    public var region: String
    /// The AWS account id.
    public var accountId: String
    /// The API id.
    public var apiId: String
    /// The stage.
    public var stage: String

    /// Creates a resource builder.
    public init(region: String, accountId: String, apiId: String, stage: String) {
        self.region = region
        self.accountId = accountId
        self.apiId = apiId
        self.stage = stage
    }

    /// The ARN prefix shared by every method of the stage, `arn:…:{apiId}/{stage}`.
    public var stageArn: String { "arn:aws:execute-api:\(region):\(accountId):\(apiId)/\(stage)" }

    /// The method ARN of a request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The request path; the query is dropped, a leading `/` is implied.
    /// - Returns: e.g. `arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/orders/42`.
    public func methodArn(method: HTTPRequest.Method, path: String) -> String {
        var resourcePath = String(RequestPath.withoutQuery(path))
        while resourcePath.hasPrefix("/") { resourcePath.removeFirst() }
        return "\(stageArn)/\(method.rawValue)/\(resourcePath)"
    }

    /// A resource pattern for a method and path pattern, e.g. `("GET", "orders/*")`.
    public func pattern(method: String, path: String) -> String {
        "\(stageArn)/\(method)/\(path)"
    }
}
