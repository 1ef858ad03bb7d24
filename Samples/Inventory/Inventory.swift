import ArgumentParser
import SampleServices

/// `inventory`: the sample inventory service (see Samples/SampleServices/InventoryService.swift).
@main
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "The inventory sample service of swift-service-auth."
    )

    @OptionGroup var options: SampleOptions

    static func main() async { await CommandRunner.main(Self.self) }

    func run() async throws {
        try await InventoryService.make(options).runStandalone()
    }
}
