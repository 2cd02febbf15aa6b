import ArgumentParser
import DMSCommandLineOutput

/// `--output/-o`: the format of results on stdout.
struct OutputOptions: ParsableArguments, Sendable {
    @Option(name: .shortAndLong, help: "Output format.")
    var output: OutputFormat = .table

    /// A printer for the chosen format.
    var printer: OutputPrinter { OutputPrinter(format: output) }
}

/// `-o table|json|yaml`.
extension OutputFormat: ExpressibleByArgument {}
