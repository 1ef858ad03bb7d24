import HTTPTypes
import Foundation

/// A fully buffered response of the issuer: every body it writes is small.
struct IssuerResponse: Sendable {
    var status: HTTPResponse.Status
    var contentType: String
    var body: [UInt8]
    var extraHeaders: HTTPFields = [:]

    init(status: HTTPResponse.Status = .ok, contentType: String, body: [UInt8], extraHeaders: HTTPFields = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.extraHeaders = extraHeaders
    }

    init(status: HTTPResponse.Status = .ok, contentType: String, text: String, extraHeaders: HTTPFields = [:]) {
        self.init(status: status, contentType: contentType, body: Array(text.utf8), extraHeaders: extraHeaders)
    }

    /// JSON with sorted keys and unescaped slashes (URLs in discovery documents stay readable).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, contentType: String = "application/json", extraHeaders: HTTPFields = [:]) -> IssuerResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding WireJSON, dictionaries and strings cannot fail; an empty object is the
        // safe fallback rather than a crash.
        let body = (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
        return IssuerResponse(status: status, contentType: contentType, body: body, extraHeaders: extraHeaders)
    }

    var head: HTTPResponse {
        var fields = extraHeaders
        fields[.contentType] = contentType
        fields[.contentLength] = String(body.count)
        return HTTPResponse(status: status, headerFields: fields)
    }
}
