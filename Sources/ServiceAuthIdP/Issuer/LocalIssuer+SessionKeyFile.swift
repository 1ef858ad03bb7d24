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
        guard FileWriting.write(Array((exportedSessionKey + "\n").utf8), toFile: path, mode: 0o600) else {
            throw SessionKeyFileError(reason: "cannot write the session key to \(path)")
        }
    }
}
