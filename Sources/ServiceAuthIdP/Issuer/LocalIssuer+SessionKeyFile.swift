import Foundation
import ServiceAuth
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension LocalIssuer {
    /// Why the session key could not be written (names the path, never the key).
    public struct SessionKeyFileError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What went wrong.
        public var reason: String
        /// A readable description.
        public var description: String { reason }
    }

    /// Writes ``exportedSessionKey`` (base64 and a newline) to `path` with mode `0600`, for
    /// services started with `--trust-issuer-sts KEYFILE`.
    ///
    /// The key mints credentials for every role, so it is never readable by anyone else, not
    /// even for a moment: it goes to a new file created `0600` (`O_EXCL`, so no existing file
    /// or symlink is written through) in the same directory, which then atomically replaces
    /// `path`. A reader sees either the old file or the complete new one.
    ///
    /// - Parameter path: The key file.
    /// - Throws: ``SessionKeyFileError`` when the file cannot be written.
    public func writeSessionKey(toFile path: String) throws {
        let contents = Array((exportedSessionKey + "\n").utf8)
        let temporary = "\(path).tmp-\(Base64URL.encode(SystemRandomNumberGenerator.randomBytes(9)))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SessionKeyFileError(reason: "cannot create a file beside \(path)") }
        var written = 0
        // The umask can only remove bits; fchmod makes the mode exactly 0600 whatever it is.
        var ok = fchmod(descriptor, 0o600) == 0
        while ok, written < contents.count {
            let count = contents[written...].withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            ok = count > 0
            written += max(count, 0)
        }
        ok = ok && fsync(descriptor) == 0
        ok = close(descriptor) == 0 && ok
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw SessionKeyFileError(reason: "cannot write the session key to \(path)")
        }
    }
}

/// `write(2)`, named apart from any `write` method in scope.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
