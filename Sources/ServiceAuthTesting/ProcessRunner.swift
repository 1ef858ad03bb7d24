public import Foundation

/// Runs a process to completion for a test: another program driving (or driven by) the code
/// under test, such as an AWS SDK script or a sample service's executable.
///
/// Output goes to a temporary file rather than a pipe, so a chatty child can never block on a
/// full pipe; waiting uses the process's termination handler, never a blocking call on the
/// concurrency pool (a loopback server under test keeps its threads). The process is killed
/// after `timeout`.
///
/// - Parameters:
///   - arguments: The executable's path, then its arguments.
///   - environment: The environment; the test's own when `nil`.
///   - timeout: How long the process may run.
/// - Returns: The exit status (`-1` if it never ran to completion) and stdout+stderr together.
/// - Throws: When the process cannot be started.
public func runProcess(
    _ arguments: [String],
    environment: [String: String]? = nil,
    timeout: Duration = .seconds(120)
) async throws -> (status: Int32, output: String) {
    let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("serviceauth-test-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outputURL) }
    let handle = try FileHandle(forWritingTo: outputURL)
    defer { try? handle.close() }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    if let environment { process.environment = environment }
    let (exits, exit) = AsyncStream<Int32>.makeStream()
    process.terminationHandler = { finished in
        exit.yield(finished.terminationStatus)
        exit.finish()
    }
    try process.run()
    let pid = process.processIdentifier
    let watchdog = Task {
        try await Task.sleep(for: timeout)
        kill(pid, SIGKILL)
    }
    defer { watchdog.cancel() }
    var status: Int32 = -1
    for await code in exits { status = code }
    let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    return (status, output)
}

/// The directory holding the package's built executables when running under `swift test`
/// (the test bundle sits beside them).
public var builtProductsDirectory: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
}
