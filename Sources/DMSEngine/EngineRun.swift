/// What a running job program produces: its structured events and its other output.
public enum EngineOutput: Sendable, Equatable {
    case event(EngineEvent)
    /// A line for the run's log (not yet scrubbed).
    case log(String)
}

/// One run in the engine, however it was started (its own spark-submit, or the warm engine).
public protocol EngineRun: Sendable {
    /// The program's output; finishes when the run is over.
    var output: AsyncStream<EngineOutput> { get }
    /// Asks the run to stop (its Spark jobs are cancelled; the program then reports `cancelled`).
    func cancel() async
    /// Ends the run at once, without waiting for the program to report.
    func kill() async
    /// Why the run ended without a `result` event (e.g. "spark-submit exited with status 1: …"),
    /// once `output` has finished.
    func endWithoutResult() async -> String
}
