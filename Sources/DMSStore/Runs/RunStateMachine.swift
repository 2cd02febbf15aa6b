import DMSProto

/// The legal moves of a run's life (DESIGN.md, "Run lifecycle"):
///
/// ```
/// fresh ──► queued ──► running ──► succeeded
///   │          │          ├──────► failed
///   └──────────┴──────────┴──────► cancelled
/// ```
///
/// plus `fresh → failed` and `queued → failed` for runs that cannot even start (their job's
/// resources no longer resolve, the engine refuses the spec). Final states have no way out; a
/// retry is a new run. Every change the store makes is checked here first, and then made with a
/// conditional UPDATE naming the state it expects, so two replicas can never both move a run.
public enum RunStateMachine {
    /// Whether a run in `from` may move to `to`.
    public static func allows(_ from: Dms_V1_RunState, _ to: Dms_V1_RunState) -> Bool {
        switch (from, to) {
        case (.fresh, .queued), (.fresh, .failed), (.fresh, .cancelled): true
        case (.queued, .running), (.queued, .failed), (.queued, .cancelled): true
        case (.running, .succeeded), (.running, .failed), (.running, .cancelled): true
        default: false
        }
    }

    /// Whether `state` is final (succeeded, failed or cancelled).
    public static func isFinal(_ state: Dms_V1_RunState) -> Bool {
        switch state {
        case .succeeded, .failed, .cancelled: true
        default: false
        }
    }

    /// The store's name of a state (`fresh`, `queued`, …), as in the brief.
    public static func name(_ state: Dms_V1_RunState) -> String {
        switch state {
        case .fresh: "fresh"
        case .queued: "queued"
        case .running: "running"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .cancelled: "cancelled"
        case .unspecified, .UNRECOGNIZED: "unspecified"
        }
    }

    /// The state a store name means; nil for anything else.
    public static func state(named name: String) -> Dms_V1_RunState? {
        switch name {
        case "fresh": .fresh
        case "queued": .queued
        case "running": .running
        case "succeeded": .succeeded
        case "failed": .failed
        case "cancelled": .cancelled
        default: nil
        }
    }
}
