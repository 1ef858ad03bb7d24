import ServiceAuthCore

/// A JSON value, as found in JWT claims and JOSE headers.
///
/// Small and `Sendable` on purpose: verified claims travel across tasks, and the verifier
/// decodes them with a strict parser (``JSONValue/parse(_:maxDepth:)``) rather than with
/// `JSONSerialization`, whose `Any` results are neither typed nor `Sendable`.
public enum JSONValue: Sendable, Hashable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number. JSON does not distinguish integers; integral values print without a fraction.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object. Keys are unique (the parser rejects duplicates).
    case object([String: JSONValue])

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number, if this is a number.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// Parses one JSON text (RFC 8259) strictly.
    ///
    /// Rejects duplicate object keys, invalid UTF-8, lone surrogates, non-finite numbers,
    /// trailing content and nesting deeper than `maxDepth`.
    ///
    /// - Parameters:
    ///   - bytes: The UTF-8 text.
    ///   - maxDepth: The deepest nesting of arrays and objects accepted.
    /// - Returns: The value.
    /// - Throws: ``JSONParseError`` describing the first problem found.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 32) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                var parser = JSONParser(buffer, maxDepth: maxDepth)
                return try parser.parseDocument()
            }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(JSONParseError) -> JSONValue in
            var parser = JSONParser(buffer, maxDepth: maxDepth)
            return try parser.parseDocument()
        }
    }

    /// Compact JSON text for the value, with object keys sorted so output is stable.
    public var jsonString: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The compact JSON text (same as ``jsonString``).
    public var description: String { jsonString }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value):
            if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 {
                out += String(Int64(value))
            } else {
                out += "\(value)"
            }
        case .string(let value):
            out += "\""
            out += JSONString.escape(value)
            out += "\""
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                out += "\""
                out += JSONString.escape(key)
                out += "\":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }
}

/// Why a JSON text was rejected. Carries a position and a reason, never the text itself.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String
    /// The byte offset at which the problem was found.
    public var offset: Int
    /// Creates an error.
    public init(reason: String, offset: Int) {
        self.reason = reason
        self.offset = offset
    }
    /// A readable description.
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
