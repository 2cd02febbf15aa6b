import ArgumentParser
import DMSAPI
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto

extension RunCommand {
    /// `dmsctl run logs ID [-f] [--tail BYTES]`.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a run's log (its Spark application's output and DMS's own lines).",
            discussion: "With -f, keep printing new lines until the run has ended. Example: dmsctl run logs 6f1c… -f")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The run's id.")
        var id: String

        @Flag(name: [.short, .customLong("follow")], help: "Follow the log until the run has ended.")
        var follow = false

        @Option(help: ArgumentHelp("Start this many bytes before the end (at a line start).", valueName: "bytes"))
        var tail: Int64?

        func validate() throws {
            if let tail, tail <= 0 { throw ValidationError("--tail must be a positive number of bytes") }
        }

        func run() async throws {
            let request = Dms_V1_StreamRunLogsRequest.with {
                $0.runID = id
                $0.follow = follow
                $0.fromOffset = tail.map { -$0 } ?? 0
            }
            let settings = try ConnectionSettings.resolve(global)
            _ = try await InterruptSignal.cancelling {
                try await GlobalOptions.withClient(settings) { client, _ in
                    for try await chunk in try client.serverStreaming(API.MigrationJobRunService.streamRunLogs, request) {
                        StandardStreams.write(chunk.data)
                    }
                }
            }
        }
    }
}
