public import HTTPTypes
import ServiceAuthCore

/// Builds API Gateway's `execute-api` method ARNs:
/// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{resource path}`.
///
/// ``AuthorizationPolicy/executeAPI(_:rules:)`` takes the four fields literally: a request's
/// method ARN and its rules' patterns share this stage ARN, so only `METHOD/path` is matched, and a
/// `*` in `apiId` or `stage` cannot stretch over a method. In a ``PolicyDocument`` built with
/// ``pattern(method:path:)``, IAM's reading applies: a `*` there is a wildcard
/// (`arn:aws:execute-api:*:*:*/prod/GET/x` is a common resource).
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

    /// The method ARN of a request, for the path the built-in router serves.
    ///
    /// The path is canonical as ``AuthorizationPolicy/executeAPI(_:rules:)`` makes it: the query
    /// dropped, empty segments (`//`, a trailing `/`) dropped, each segment percent-decoded with
    /// a decoded `/` or `%` re-encoded. So `//orders//42/` names the same resource as
    /// `/orders/42`, as it reaches the same handler; `/orders/%34%32` does too, as an
    /// `orders/{id}` route sees it (a literal route `/orders/42` does not serve it).
    ///
    /// Given to ``AuthorizationPolicy/document(action:resource:_:)``, mind what
    /// ``AuthorizationPolicy/executeAPI(_:rules:)`` also does: pass `GET` for a `HEAD` request
    /// (GET routes answer it), and deny a target with raw non-ASCII bytes (routers other than
    /// the built-in one match those under canonical equivalence).
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - path: The request path or target.
    /// - Returns: e.g. `arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/orders/42`.
    public func methodArn(method: HTTPRequest.Method, path: String) -> String {
        let resourcePath = Substring(canonicalResourcePath(path).utf8.dropFirst())  // without its leading `/`
        return "\(stageArn)/\(method.rawValue)/\(resourcePath)"
    }

    /// A resource pattern for a method and path pattern, e.g. `("GET", "orders/*")`.
    public func pattern(method: String, path: String) -> String {
        "\(stageArn)/\(method)/\(path)"
    }
}
