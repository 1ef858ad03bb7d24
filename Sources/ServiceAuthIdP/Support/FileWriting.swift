import Foundation
import ServiceAuth
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Writes a file whole, with its final mode from the first byte, and atomically replaces the
/// path: the one way the issuer writes keys (the STS session key, CA and workload keys).
///
/// The contents go to a new file created with `mode` (`O_EXCL`, so no existing file or symlink
/// is written through) beside `path`, which then replaces `path` with `rename(2)`. A private
/// key is therefore never readable by anyone else, not even for a moment, and a reader sees
/// either the old file or the complete new one.
enum FileWriting {
    /// Writes `contents` to `path` with exactly `mode`.
    ///
    /// - Parameters:
    ///   - contents: The bytes.
    ///   - path: The file.
    ///   - mode: The file's permission bits (e.g. `0o600` for a private key).
    /// - Returns: Whether the file was written and renamed into place.
    static func write(_ contents: [UInt8], toFile path: String, mode: mode_t) -> Bool {
        let temporary = "\(path).tmp-\(Base64URL.encode(SystemRandomNumberGenerator.randomBytes(9)))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { return false }
        var written = 0
        // The umask can only remove bits; fchmod makes the mode exactly `mode` whatever it is.
        var ok = fchmod(descriptor, mode) == 0
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
            return false
        }
        return true
    }
}

/// `write(2)`, named apart from any `write` method in scope.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
