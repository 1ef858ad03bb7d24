public import AsyncHTTPClient
public import HTTPTypes
public import ServiceAuthCore
import NIOCore
import NIOHTTP1

/// The core's ``HTTPTransport`` on AsyncHTTPClient: how JWKS documents, OAuth tokens and STS
/// responses are fetched in a real service.
public struct AsyncHTTPTransport: HTTPTransport {
    private let httpClient: HTTPClient

    /// Creates a transport.
    ///
    /// - Parameter httpClient: The client to send with; by default
    ///   ``AsyncHTTPClient/HTTPClient/serviceAuthShared``, which follows no redirect.
    public init(httpClient: HTTPClient = .serviceAuthShared) {
        self.httpClient = httpClient
    }

    /// Sends a request and reads at most `maxResponseBytes` of the response body.
    ///
    /// A redirect answer (301, 302, 303, 307, 308) is never followed: it is an error, so
    /// credentials cannot travel to wherever a server points.
    ///
    /// - Throws: ``HTTPTransportError/invalidURL``, ``HTTPTransportError/timeout``,
    ///   ``HTTPTransportError/responseTooLarge``, ``HTTPTransportError/redirectRefused(status:)``,
    ///   or ``HTTPTransportError/connectionFailed`` for AsyncHTTPClient's connection errors.
    public func send(
        _ request: HTTPRequest,
        body: [UInt8]?,
        timeout: Duration,
        maxResponseBytes: Int
    ) async throws -> (HTTPResponse, [UInt8]) {
        guard request.scheme != nil, request.authority != nil else { throw HTTPTransportError.invalidURL }
        var outgoing = HTTPClientRequest(url: request.urlString)
        outgoing.method = HTTPMethod(request.method)
        for field in request.headerFields {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if let body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }

        do {
            let response = try await httpClient.execute(outgoing, timeout: timeout.timeAmount)
            if HTTPTransportError.isRedirect(Int(response.status.code)) {
                throw HTTPTransportError.redirectRefused(status: Int(response.status.code))
            }
            var fields = HTTPFields()
            for header in response.headers {
                if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
            }
            let head = HTTPResponse(status: .init(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase), headerFields: fields)
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            return (head, Array(buffer.readableBytesView))
        } catch is NIOTooManyBytesError {
            throw HTTPTransportError.responseTooLarge
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw HTTPTransportError.timeout
        } catch let error as HTTPTransportError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // AsyncHTTPClient's and NIO's connection errors name the address they failed on;
            // that text must not reach a response body, so only the kind is kept.
            throw HTTPTransportError.connectionFailed
        }
    }
}
