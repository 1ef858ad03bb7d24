import ServiceAuthCore

/// An allowed IAM principal, as a SigV4 caller's ARN is matched against it.
///
/// - an exact ARN matches itself;
/// - a role, `arn:aws:iam::ACCOUNT:role/[PATH/]NAME`, also matches its sessions,
///   `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`, since that is what `AssumeRole`
///   credentials sign as;
/// - a pattern ending in `*` matches by prefix.
public struct PrincipalPattern: Sendable, Hashable {
    /// The pattern as written.
    public let pattern: String

    /// Creates a pattern.
    public init(_ pattern: String) { self.pattern = pattern }

    /// Whether a verified principal ARN matches.
    ///
    /// - Parameter principal: The verified principal ARN.
    /// - Returns: Whether it is allowed by this pattern.
    public func matches(_ principal: String) -> Bool {
        if principal == pattern { return true }
        if pattern.hasSuffix("*") { return principal.hasPrefix(pattern.dropLast()) }
        let allowedParts = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let parts = principal.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard allowedParts.count == 6, parts.count == 6, allowedParts[0] == "arn", parts[0] == "arn",
            allowedParts[1] == parts[1], allowedParts[2] == "iam", parts[2] == "sts",
            allowedParts[4] == parts[4], allowedParts[5].hasPrefix("role/"), parts[5].hasPrefix("assumed-role/")
        else { return false }
        guard let roleName = allowedParts[5].split(separator: "/").last else { return false }
        let session = parts[5].dropFirst("assumed-role/".count).split(separator: "/", omittingEmptySubsequences: false)
        return session.count == 2 && session[0] == roleName && !session[1].isEmpty
    }
}
