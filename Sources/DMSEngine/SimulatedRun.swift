import DMSCatalog
import Foundation

/// A run of the `simulate` mode: no Spark application, no data moved. It reports `started`, waits
/// its duration, then reports success, and a cancel ends it at once as `cancelled` — enough for
/// trying out schedules and for exercising the control plane (scheduler, leases, replicas) at a
/// scale no real engine reaches on one machine.
final class SimulatedRun: EngineRun {
    let output: AsyncStream<EngineOutput>
    private let continuation: AsyncStream<EngineOutput>.Continuation
    private let task: Task<Void, Never>

    init(runID: String, duration: Duration) {
        let (output, continuation) = AsyncStream.makeStream(of: EngineOutput.self)
        continuation.yield(.event(EngineEvent(name: "started", fields: ["application_id": .string("simulated-\(runID)"), "spark_version": .string("none (simulate mode)")])))
        continuation.yield(.log("[simulate] no Spark application: this run moves no data and succeeds after \(duration)"))
        self.output = output
        self.continuation = continuation
        task = Task {
            let finished = (try? await Task.sleep(for: duration)) != nil
            continuation.yield(.event(EngineEvent(name: "result", fields: ["state": .string(finished ? "succeeded" : "cancelled")])))
            continuation.finish()
        }
    }

    func cancel() async {
        task.cancel()
    }

    func kill() async {
        task.cancel()
        continuation.finish()
    }

    func endWithoutResult() async -> String {
        "the simulated run was stopped"
    }
}
