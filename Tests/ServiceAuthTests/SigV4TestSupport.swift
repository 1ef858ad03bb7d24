import Synchronization
import Foundation
import HTTPTypes
import ServiceAuth

/// Paths and helpers shared by the SigV4 tests.
enum SigV4TestSupport {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ServiceAuthTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// The AWS SigV4 test suite kept in the repository (`Tests/Data/sigv4-vectors/v4`, Apache-2.0).
    static let vectorsDirectory = packageRoot.appendingPathComponent("Tests/Data/sigv4-vectors/v4").standardizedFileURL

    /// Parses a raw HTTP/1.1 request of the test suite byte for byte: `Header:value` lines,
    /// continuation lines folded into the previous value, `Host` moved to the authority the
    /// way HTTP servers present it.
    static func parseRequest(_ text: String) -> (HTTPRequest, [UInt8])? {
        let bytes = Array(text.utf8)
        var headEnd = bytes.count
        var bodyStart = bytes.count
        for index in 0..<bytes.count where index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "\n"), bytes[index + 1] == UInt8(ascii: "\n") {
                headEnd = index
                bodyStart = index + 2
                break
            }
        }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        let body = Array(bytes[min(bodyStart, bytes.count)...])
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let versionRange = requestLine.range(of: " HTTP/1.1")
        else { return nil }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<versionRange.lowerBound])
        var pairs: [(String, String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t" {
                guard !pairs.isEmpty else { return nil }
                pairs[pairs.count - 1].1 += " " + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            pairs.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        var fields = HTTPFields()
        var authority: String?
        for (name, value) in pairs {
            if name.lowercased() == "host" {
                authority = value
                continue
            }
            guard let fieldName = HTTPField.Name(name) else { return nil }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        let request = HTTPRequest(
            method: HTTPRequest.Method(method)!,
            scheme: "https",
            authority: authority,
            path: target,
            headerFields: fields
        )
        return (request, body)
    }
}

/// A credential store that knows one key and accepts any session token with it.
struct FixedCredentialStore: CredentialStore {
    var accessKeyId: String
    var secretAccessKey: String
    var principal: String = "arn:aws:iam::123456789012:role/test"
    var expiration: Date?

    func credential(forAccessKeyId accessKeyId: String, sessionToken: String?) async throws -> StoredCredential? {
        guard accessKeyId == self.accessKeyId else { return nil }
        return StoredCredential(secretAccessKey: secretAccessKey, principal: principal, expiration: expiration)
    }
}

