import NIOSSL

/// Where PEM-encoded TLS material comes from: a file (re-read by every reload) or text in
/// memory.
public enum PEMSource: Sendable, Hashable {
    /// A PEM file on disk.
    case file(String)
    /// PEM text.
    case pem(String)

    /// Every certificate in the source, in order (a chain: leaf first).
    func certificates() throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            switch self {
            case .file(let path): certificates = try NIOSSLCertificate.fromPEMFile(path)
            case .pem(let text): certificates = try NIOSSLCertificate.fromPEMBytes(Array(text.utf8))
            }
        } catch {
            throw TLSConfigurationError(reason: "\(self.label) holds no readable PEM certificate")
        }
        guard !certificates.isEmpty else { throw TLSConfigurationError(reason: "\(self.label) holds no PEM certificate") }
        return certificates
    }

    /// The private key in the source.
    func privateKey() throws -> NIOSSLPrivateKey {
        do {
            switch self {
            case .file(let path): return try NIOSSLPrivateKey(file: path, format: .pem)
            case .pem(let text): return try NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem)
            }
        } catch {
            // Never echo key bytes: name the source only.
            throw TLSConfigurationError(reason: "\(self.label) holds no readable PEM private key")
        }
    }

    /// How errors name the source: the file's path, never in-memory contents.
    var label: String {
        switch self {
        case .file(let path): return "'\(path)'"
        case .pem: return "the in-memory PEM"
        }
    }
}

extension PEMSource: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The file's path, or `pem(<redacted>)`: in-memory PEM may be a private key.
    public var description: String {
        switch self {
        case .file(let path): return "file(\(path))"
        case .pem: return "pem(<redacted>)"
        }
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without in-memory PEM text, so `dump` of a configuration prints no key.
    public var customMirror: Mirror { Mirror(self, children: ["source": description]) }
}

/// TLS material that cannot be used: unreadable PEM, a key that does not match, a client
/// certificate requirement without a CA to check it against.
public struct TLSConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let reason: String
    /// A description naming what is wrong (never key material).
    public var description: String { "TLS configuration: \(reason)" }
}
