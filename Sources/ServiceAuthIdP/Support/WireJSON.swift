/// A JSON value the issuer writes, for token claims and API responses whose shape varies (Cognito omits claims
/// that do not apply rather than writing `null`).
enum WireJSON: Sendable, Hashable, Encodable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([WireJSON])
    case object([String: WireJSON])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension WireJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
}
