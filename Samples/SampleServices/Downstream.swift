import Foundation
import HTTPTypes
import ServiceAuth
import ServiceAuthHTTP

/// A business response: the service's own payload plus the `hops` of the whole chain,
/// outermost first (CONTRACT.md).
struct ChainResponse: Codable, Sendable {
    var service: String
    var result: JSONObject
    var hops: [Hop]
}

/// An arbitrary JSON object, kept as raw data so a service can relay its downstream's payload.
struct JSONObject: Codable, Sendable {
    let json: [String: JSONScalar]
    init(_ json: [String: JSONScalar]) { self.json = json }
    init(from decoder: any Decoder) throws { json = try [String: JSONScalar](from: decoder) }
    func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// A JSON scalar or a nested value; enough for the samples' small payloads.
indirect enum JSONScalar: Codable, Sendable {
    case string(String), number(Double), bool(Bool), object([String: JSONScalar]), array([JSONScalar]), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONScalar].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONScalar].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

/// Calls the next service and wraps its answer with this hop.
struct Downstream: Sendable {
    /// The service being called, for error messages.
    let name: String
    /// Its base URL; `nil` when the flag was not given.
    let baseURL: String?
    /// The client with this hop's outbound middleware (token, propagation, signing).
    let client: ServiceHTTPClient?

    /// Sends a request to `path` and returns this service's response: the downstream payload
    /// with `hop` prepended to its hops, or a `502` naming what went wrong.
    func call(
        _ method: HTTPRequest.Method,
        _ path: String,
        body: [UInt8]? = nil,
        hop: Hop,
        service: String
    ) async -> (HTTPResponse, MessageBody) {
        guard let baseURL, let client else {
            return Responses.error("downstream_not_configured", message: "\(name) is not configured (--\(name)-url and its credentials)", status: .badGateway)
        }
        var fields = HTTPFields()
        if body != nil { fields[.contentType] = "application/json" }
        guard let request = HTTPRequest(method: method, urlString: baseURL + path, headerFields: fields) else {
            return Responses.error("downstream_not_configured", message: "invalid \(name) URL", status: .badGateway)
        }
        do {
            let (response, bytes) = try await client.send(request, body: body.map { MessageBody($0) } ?? MessageBody())
            guard response.status.kind == .successful,
                  let downstream = try? JSONDecoder().decode(ChainResponse.self, from: Data(bytes))
            else {
                // Relay the downstream's own error code so the caller sees which hop refused.
                let code = (try? JSONDecoder().decode([String: String].self, from: Data(bytes)))?["error"] ?? "unexpected_response"
                return Responses.json(
                    ["error": "downstream_error", "service": name, "status": String(response.status.code), "code": code],
                    status: .badGateway)
            }
            return Responses.json(ChainResponse(service: service, result: downstream.result, hops: [hop] + downstream.hops))
        } catch {
            // A token/credential/transport failure: only what names no address (e.g. "refused
            // to follow a redirect (HTTP 307)", "the connection failed") is said.
            return Responses.error("downstream_unavailable", message: "\(name) call failed: \(HTTPTransportError.safeDescription(of: error))", status: .badGateway)
        }
    }
}
