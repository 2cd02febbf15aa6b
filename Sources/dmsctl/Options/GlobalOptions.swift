import ArgumentParser
import DMSClient
import DMSCommandLineOutput

/// The options of every command that talks to a server: which configuration and context, server
/// overrides, the output format, and the time budget of a call.
///
/// There is deliberately no token flag: a secret on the command line ends up in shell history and
/// process listings. The token comes from the context or `$DMS_TOKEN`.
struct GlobalOptions: ParsableArguments, Sendable {
    @OptionGroup var file: ConfigFileOptions

    @Option(help: ArgumentHelp("Context to use instead of the current one.", valueName: "name"))
    var context: String?

    @Option(help: ArgumentHelp("Server address, overriding the context's.", valueName: "host:port"))
    var server: String?

    @Option(help: ArgumentHelp("CA certificate (PEM) to verify the server with, overriding the context's.", valueName: "path"))
    var caFile: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Namespace, overriding the context's.", valueName: "name"))
    var namespace: String?

    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Seconds to wait for the server to connect and answer.", valueName: "seconds"))
    var timeout: Double = 30

    func validate() throws {
        if let server, parseServerAddress(server) == nil {
            throw ValidationError("--server must be host:port, e.g. 127.0.0.1:7443 (got \"\(server)\")")
        }
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }

    /// A printer for the chosen `--output`.
    var printer: OutputPrinter { output.printer }
}
