/// Runs the whole demo: starts the chain, runs the scenarios, prints the table.
public enum DemoRunner {
    /// Runs the demo and prints its report.
    ///
    /// - Parameter print: Where lines go (standard output by default).
    /// - Returns: Whether every scenario gave the expected result.
    /// - Throws: When the chain cannot start.
    public static func run(print: @escaping @Sendable (String) -> Void = { Swift.print($0) }) async throws -> Bool {
        let results = try await DemoChain.withRunningChain { chain in
            print("issuer    \(chain.issuerURL)  (iss \(chain.issuer))")
            print("gateway   \(chain.gatewayURL)")
            print("orders    \(chain.ordersURL)")
            print("inventory \(chain.inventoryURL)")
            print("")
            return try await DemoScenarios.run(chain)
        }
        print(DemoReport.render(results))
        return results.allSatisfy(\.passed)
    }
}
