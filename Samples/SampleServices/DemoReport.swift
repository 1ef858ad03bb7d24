/// The outcome of one demo scenario.
public struct DemoScenarioResult: Sendable, Hashable {
    /// The scenario's number, as in the samples issue.
    public var number: Int
    /// What the scenario does.
    public var title: String
    /// The status expected, and where (e.g. `401 at gateway`).
    public var expected: String
    /// What happened.
    public var observed: String
    /// What each hop verified, or the error code.
    public var detail: String
    /// Whether the observation matched the expectation.
    public var passed: Bool
}

/// Renders demo results as a fixed-width table.
public enum DemoReport {
    /// The table, one scenario per row, and a closing verdict line.
    public static func render(_ results: [DemoScenarioResult]) -> String {
        let header = ["#", "scenario", "expected", "got", "what the hops saw", "ok"]
        let rows = results.map { [String($0.number), $0.title, $0.expected, $0.observed, $0.detail, $0.passed ? "yes" : "NO"] }
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: " | ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
        var output = [line(header), rule] + rows.map(line)
        let passed = results.filter(\.passed).count
        output.append("")
        output.append("\(passed) passed, \(results.count - passed) failed")
        return output.joined(separator: "\n")
    }
}
