import ArgumentParser
import SampleServices

/// `orders`: the sample orders service (see Samples/SampleServices/OrdersService.swift).
@main
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "The orders sample service of swift-service-auth."
    )

    @OptionGroup var options: SampleOptions

    static func main() async { await CommandRunner.main(Self.self) }

    func run() async throws {
        try await OrdersService.make(options).runStandalone()
    }
}
