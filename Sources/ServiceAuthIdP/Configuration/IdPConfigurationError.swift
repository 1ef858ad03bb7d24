/// An invalid local-issuer configuration, naming the offending key.
///
/// `serviceauth idp` prints ``description`` (e.g.
/// `clients[1].allowedScopes[0]: scope "x/y" is not defined by any resource server`) and exits 2.
/// Secrets from the configuration never appear in it.
public struct IdPConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key path of the bad value, e.g. `clients[1].allowedScopes[0]`; empty for the document.
    public var key: String
    /// What is wrong with it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - key: The key path of the bad value.
    ///   - message: What is wrong with it.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `key: message`, or just the message for the whole document.
    public var description: String { key.isEmpty ? message : "\(key): \(message)" }
}

extension IdPConfigurationError {
    /// Translates a `DecodingError` into a key path and a message without echoing values.
    init(decodingError: DecodingError) {
        func path(_ codingPath: [any CodingKey]) -> String {
            var result = ""
            for key in codingPath {
                if let index = key.intValue {
                    result += "[\(index)]"
                } else {
                    result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return result
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            self.init(key: path(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context):
            self.init(key: path(context.codingPath), message: "must be \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            self.init(key: path(context.codingPath), message: "must be \(Self.describe(type)), not null")
        case .dataCorrupted(let context):
            self.init(key: path(context.codingPath), message: "is not valid JSON")
        @unknown default:
            self.init(key: "", message: "is not a valid configuration")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is [String].Type: "an array of strings"
        case is [String: String].Type: "an object of strings"
        case is Array<Any>.Type: "an array"
        default: "of type \(type)"
        }
    }
}
