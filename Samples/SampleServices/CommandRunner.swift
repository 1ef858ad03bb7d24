public import ArgumentParser
import Foundation

/// Runs a command-line tool with the exit codes of CONTRACT.md: usage and configuration
/// errors print a message naming the bad flag on stderr and exit with status 2 (where
/// ArgumentParser would use 64); `--help` exits 0; other failures exit 1.
public enum CommandRunner {
    /// Parses the process arguments into `Command` and runs it.
    public static func main<Command: AsyncParsableCommand>(_ command: Command.Type) async -> Never {
        var parsed: any ParsableCommand
        do {
            parsed = try Command.parseAsRoot()
        } catch {
            exitForParseError(error, command: Command.self)
        }
        do {
            if var asyncCommand = parsed as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try parsed.run()
            }
            exit(0)
        } catch let error as SampleFlagError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(2)
        } catch {
            if let code = error as? ExitCode { exit(code.rawValue) }
            switch Command.exitCode(for: error) {
            case .success, .validationFailure:
                // Help requests and usage errors raised while running (ArgumentParser's own).
                exitForParseError(error, command: Command.self)
            default:
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                exit(1)
            }
        }
    }

    private static func exitForParseError<Command: ParsableCommand>(_ error: any Error, command: Command.Type) -> Never {
        // `--help` and `--version` print as ArgumentParser does and exit 0.
        if Command.exitCode(for: error) == .success { Command.exit(withError: error) }
        FileHandle.standardError.write(Data((Command.fullMessage(for: error) + "\n").utf8))
        exit(2)
    }
}
