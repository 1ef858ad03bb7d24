/// Runs the whole demo: starts the chain, runs the scenarios, prints the table.
public enum DemoRunner {
    /// Runs the demo and prints its report.
    ///
    /// - Parameters:
    ///   - tls: Run every hop over mutual TLS and HTTP/2, with a throwaway CA and a certificate
    ///     per service made at start, and add the scenarios mutual TLS makes possible.
    ///   - print: Where lines go (standard output by default).
    /// - Returns: Whether every scenario gave the expected result.
    /// - Throws: When the chain cannot start.
    public static func run(tls: Bool = false, print: @escaping @Sendable (String) -> Void = { Swift.print($0) }) async throws -> Bool {
        let pki = tls ? try DemoTLS.make() : nil
        defer { pki?.remove() }
        let results = try await DemoChain.withRunningChain(tls: pki) { chain in
            print("issuer    \(chain.issuerURL)  (iss \(chain.issuer))")
            print("gateway   \(chain.gatewayURL)")
            print("orders    \(chain.ordersURL)")
            print("inventory \(chain.inventoryURL)")
            if let pki {
                print("mutual TLS + HTTP/2 on every hop; CA and certificates made at start in \(pki.directory.path)")
            }
            print("")
            return try await DemoScenarios.run(chain)
        }
        print(DemoReport.render(results))
        return results.allSatisfy(\.passed)
    }
}
