import Foundation

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs a process to completion (killed after `timeout`), with stdout and stderr together.
///
/// Output goes to a temporary file rather than a pipe so a chatty child can never block on
/// a full pipe while we wait for it.
func runProcess(
    _ arguments: [String],
    environment: [String: String]? = nil,
    timeout: Duration = .seconds(120)
) async throws -> (status: Int32, output: String) {
    let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("idp-test-\(UUID().uuidString).log")
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
