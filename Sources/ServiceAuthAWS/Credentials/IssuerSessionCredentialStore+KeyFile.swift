public import Foundation
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
import ServiceAuthCore
#endif

extension IssuerSessionCredentialStore {
    /// The largest key file read (a key file holds 45 characters of base64).
    static let maxKeyFileBytes = 4096

    /// Creates a store from `--trust-issuer-sts KEYFILE`: the file `serviceauth idp
    /// --session-key-file` writes (the base64 key, or `{"key":"<base64>"}`).
    ///
    /// The key mints credentials for every role, so the file must be a regular file that only
    /// its owner may read or write (mode `0600` or `0400`), as ssh demands of a private key; a
    /// file group or others can access is refused rather than trusted.
    ///
    /// - Parameters:
    ///   - path: The key file.
    ///   - configuration: The lifetime rules.
    ///   - now: The clock for expiry checks.
    /// - Throws: ``LoadError`` when the file cannot be read, is accessible to others, or holds
    ///   no 256-bit key (the message names the path, never the key).
    public init(keyFile path: String, configuration: Configuration = Configuration(), now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.init(sealer: try Self.sealer(fromKeyText: Self.readKeyFile(path)), configuration: configuration, now: now)
    }

    /// Reads the key file through one descriptor, so the permissions checked are those of the
    /// file read.
    static func readKeyFile(_ path: String) throws(LoadError) -> String {
        if path.hasPrefix("http://") || path.hasPrefix("https://") {
            throw LoadError(reason: "the issuer's session key is read from the file `serviceauth idp --session-key-file` writes, not from a URL")
        }
        // O_NONBLOCK: a FIFO (or device) put in the key file's place must not hang start-up; it
        // opens at once and is refused below as not a regular file. Regular files ignore it.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw LoadError(reason: "cannot read the issuer key file \(path)") }
        defer { close(descriptor) }
        var status = stat()
        // 0o170000 is S_IFMT, 0o100000 S_IFREG (the same on every POSIX system).
        guard fstat(descriptor, &status) == 0, status.st_mode & 0o170000 == 0o100000 else {
            throw LoadError(reason: "the issuer key file \(path) is not a regular file")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw LoadError(
                reason: "the issuer key file \(path) is accessible to group or others (mode \(String(mode, radix: 8))); it must be owner-only: chmod 600"
            )
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while bytes.count <= maxKeyFileBytes {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw LoadError(reason: "cannot read the issuer key file \(path)") }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        guard bytes.count <= maxKeyFileBytes else { throw LoadError(reason: "the issuer key file \(path) is too large") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
