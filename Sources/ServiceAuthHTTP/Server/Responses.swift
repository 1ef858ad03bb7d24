import Foundation
public import HTTPTypes
public import ServiceAuthCore

/// Builders for common responses.
public enum Responses {
    /// A JSON response.
    ///
    /// - Parameters:
    ///   - value: The value to encode (keys sorted, so output is stable).
    ///   - status: The status, `200 OK` by default.
    /// - Returns: The response head and body; a `500` if `value` cannot be encoded.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> (HTTPResponse, MessageBody) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return text("internal error\n", status: .internalServerError) }
        return bytes(Array(data), contentType: "application/json", status: status)
    }

    /// A plain-text response.
    public static func text(_ text: String, status: HTTPResponse.Status = .ok) -> (HTTPResponse, MessageBody) {
        bytes(Array(text.utf8), contentType: "text/plain; charset=utf-8", status: status)
    }

    /// A response with the given bytes and content type.
    public static func bytes(
        _ bytes: [UInt8],
        contentType: String,
        status: HTTPResponse.Status = .ok,
        headerFields: HTTPFields = [:]
    ) -> (HTTPResponse, MessageBody) {
        var fields = headerFields
        fields[.contentType] = contentType
        fields[.contentLength] = String(bytes.count)
        return (HTTPResponse(status: status, headerFields: fields), MessageBody(bytes))
    }

    /// A JSON error body `{"error":"<code>","message":"..."}` with the given status.
    public static func error(_ code: String, message: String, status: HTTPResponse.Status) -> (HTTPResponse, MessageBody) {
        // Written directly (the same bytes `json` would give): errors are what floods of bad
        // requests get, and a `JSONEncoder` per response was most of their cost.
        bytes(JSONString.errorBody(code: code, message: message), contentType: "application/json", status: status)
    }
}
