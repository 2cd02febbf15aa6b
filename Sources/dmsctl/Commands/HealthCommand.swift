import ArgumentParser
import DMSAPI
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto

/// `dmsctl health`: the server's state now, or `--watch` for a stream of it.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Show the server's health, or watch it.",
        discussion: """
            Without --watch, one Health call, which needs no token. With --watch, a WatchHealth \
            stream (needs a token): one line per item (one JSON document per line with -o json) \
            until --count items have arrived or Ctrl-C, which ends it with exit status 0.
            """)

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Flag(help: "Stream the health until --count items or Ctrl-C.")
    var watch = false

    @Option(help: ArgumentHelp("Milliseconds between items of --watch (at least 10).", valueName: "ms"))
    var interval: UInt32 = 1000

    @Option(help: ArgumentHelp("Stop --watch after this many items (default: until Ctrl-C).", valueName: "n"))
    var count: UInt32?

    func validate() throws {
        if !watch, count != nil { throw ValidationError("--count needs --watch") }
        if let count, count == 0 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let printer = global.printer
        if !watch {
            let response = try await global.withClient { client, options in
                try await client.unary(API.HealthService.health, Dms_V1_HealthRequest(), options: options)
            }
            try printer.print(response)
            return
        }
        let request = Dms_V1_WatchHealthRequest.with {
            $0.intervalMs = interval
            $0.maxItems = count ?? 0
        }
        let settings = try ConnectionSettings.resolve(global)
        _ = try await InterruptSignal.cancelling {
            try await GlobalOptions.withClient(settings) { client, _ in
                // The call timeout bounds connecting only: a watch runs as long as it is asked to.
                for try await item in try client.serverStreaming(API.HealthService.watchHealth, request) {
                    try printer.printStreamItem(item, line: item.watchLine)
                }
            }
        }
    }
}
