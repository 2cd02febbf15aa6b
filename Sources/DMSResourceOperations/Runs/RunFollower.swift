import DMSAPI
import DMSClient
import DMSCommandLineOutput
import DMSProto

/// Follows one run until it ends, printing a progress line whenever it changed (at most one a
/// second while only rows move), then its final state; returns the final run.
public enum RunFollower {
    /// Watches run `runID` until it ends, printing its progress with `printer`: a line per change
    /// for `-o table`, the stream's events for json and yaml.
    ///
    /// - Returns: the run as it ended.
    public static func follow(_ runID: String, client: RPCClient, printer: OutputPrinter) async throws -> Dms_V1_MigrationJobRun {
        let request = Dms_V1_WatchRunsRequest.with {
            $0.runID = runID
            $0.sendCurrent = true
        }
        var last: Dms_V1_MigrationJobRun?
        var lastLine = ""
        var lastPrinted = ContinuousClock.now - .seconds(10)
        for try await event in try client.serverStreaming(API.MigrationJobRunService.watchRuns, request) {
            let run = event.run
            let stateChanged = last?.state != run.state
            last = run
            let line = run.progressLine
            let final = run.state == .succeeded || run.state == .failed || run.state == .cancelled
            guard line != lastLine, stateChanged || final || ContinuousClock.now - lastPrinted >= .seconds(1) else { continue }
            lastLine = line
            lastPrinted = .now
            if printer.format == .table {
                StandardStreams.write(line + "\n")
            } else {
                try printer.printStreamItem(event, line: line)
            }
        }
        guard let last else { throw OperationError(.failed, "the watch of run \(runID) ended without news of it") }
        return last
    }

    /// Prints the final run (a table: its summary with one row per table) and ends with exit
    /// status 6 unless it succeeded.
    ///
    /// - Throws: ``OperationError`` (`runDidNotSucceed`) unless the run succeeded.
    public static func conclude(_ run: Dms_V1_MigrationJobRun, printer: OutputPrinter) throws {
        if printer.format == .table { try printer.print(run) }
        guard run.state == .succeeded else {
            throw OperationError(.runDidNotSucceed, "run \(run.id) ended \(run.state.displayName)" + (run.error.isEmpty ? "" : ": \(run.error)"))
        }
    }
}
