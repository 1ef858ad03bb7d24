import ArgumentParser
import SampleServices

/// `gateway`: the sample gateway service (see Samples/SampleServices/GatewayService.swift).
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "The gateway sample service of swift-service-auth."
    )

    @OptionGroup var options: SampleOptions

    static func main() async { await CommandRunner.main(Self.self) }

    func run() async throws {
        try await GatewayService.make(options).runStandalone()
    }
}
